//! WASI errno values and their mapping from host (Linux/POSIX) errors.

use std::fmt;
use std::io;

macro_rules! errnos {
    ($($name:ident = $value:literal, $text:literal;)*) => {
        /// A `wasi_snapshot_preview1` error number, as returned to the guest.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Errno {
            $(#[doc = $text] $name = $value,)*
        }

        impl Errno {
            /// The name of this errno as spelled in this enum, e.g. `"Noent"`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Errno::$name => stringify!($name),)*
                }
            }

            /// A short human-readable description.
            pub fn description(self) -> &'static str {
                match self {
                    $(Errno::$name => $text,)*
                }
            }

            /// The errno with the given WASI number, if any.
            pub fn from_u16(value: u16) -> Option<Errno> {
                match value {
                    $($value => Some(Errno::$name),)*
                    _ => None,
                }
            }
        }
    };
}

errnos! {
    Success = 0, "No error occurred.";
    TooBig = 1, "Argument list too long.";
    Acces = 2, "Permission denied.";
    Addrinuse = 3, "Address in use.";
    Addrnotavail = 4, "Address not available.";
    Afnosupport = 5, "Address family not supported.";
    Again = 6, "Resource unavailable, or operation would block.";
    Already = 7, "Connection already in progress.";
    Badf = 8, "Bad file descriptor.";
    Badmsg = 9, "Bad message.";
    Busy = 10, "Device or resource busy.";
    Canceled = 11, "Operation canceled.";
    Child = 12, "No child processes.";
    Connaborted = 13, "Connection aborted.";
    Connrefused = 14, "Connection refused.";
    Connreset = 15, "Connection reset.";
    Deadlk = 16, "Resource deadlock would occur.";
    Destaddrreq = 17, "Destination address required.";
    Dom = 18, "Mathematics argument out of domain of function.";
    Dquot = 19, "Reserved.";
    Exist = 20, "File exists.";
    Fault = 21, "Bad address.";
    Fbig = 22, "File too large.";
    Hostunreach = 23, "Host is unreachable.";
    Idrm = 24, "Identifier removed.";
    Ilseq = 25, "Illegal byte sequence.";
    Inprogress = 26, "Operation in progress.";
    Intr = 27, "Interrupted function.";
    Inval = 28, "Invalid argument.";
    Io = 29, "I/O error.";
    Isconn = 30, "Socket is connected.";
    Isdir = 31, "Is a directory.";
    Loop = 32, "Too many levels of symbolic links.";
    Mfile = 33, "File descriptor value too large.";
    Mlink = 34, "Too many links.";
    Msgsize = 35, "Message too large.";
    Multihop = 36, "Reserved.";
    Nametoolong = 37, "Filename too long.";
    Netdown = 38, "Network is down.";
    Netreset = 39, "Connection aborted by network.";
    Netunreach = 40, "Network unreachable.";
    Nfile = 41, "Too many files open in system.";
    Nobufs = 42, "No buffer space available.";
    Nodev = 43, "No such device.";
    Noent = 44, "No such file or directory.";
    Noexec = 45, "Executable file format error.";
    Nolck = 46, "No locks available.";
    Nolink = 47, "Reserved.";
    Nomem = 48, "Not enough space.";
    Nomsg = 49, "No message of the desired type.";
    Noprotoopt = 50, "Protocol not available.";
    Nospc = 51, "No space left on device.";
    Nosys = 52, "Function not supported.";
    Notconn = 53, "The socket is not connected.";
    Notdir = 54, "Not a directory or a symbolic link to a directory.";
    Notempty = 55, "Directory not empty.";
    Notrecoverable = 56, "State not recoverable.";
    Notsock = 57, "Not a socket.";
    Notsup = 58, "Not supported, or operation not supported on socket.";
    Notty = 59, "Inappropriate I/O control operation.";
    Nxio = 60, "No such device or address.";
    Overflow = 61, "Value too large to be stored in data type.";
    Ownerdead = 62, "Previous owner died.";
    Perm = 63, "Operation not permitted.";
    Pipe = 64, "Broken pipe.";
    Proto = 65, "Protocol error.";
    Protonosupport = 66, "Protocol not supported.";
    Prototype = 67, "Protocol wrong type for socket.";
    Range = 68, "Result too large.";
    Rofs = 69, "Read-only file system.";
    Spipe = 70, "Invalid seek.";
    Srch = 71, "No such process.";
    Stale = 72, "Reserved.";
    Timedout = 73, "Connection timed out.";
    Txtbsy = 74, "Text file busy.";
    Xdev = 75, "Cross-device link.";
    Notcapable = 76, "Extension: Capabilities insufficient.";
}

impl Errno {
    /// Maps a host `errno` value (Linux numbering via `libc`) to its WASI
    /// counterpart; unknown values become [`Errno::Io`], as in wasmtime.
    pub fn from_raw_os_error(code: i32) -> Errno {
        use Errno as E;
        match code {
            0 => E::Success,
            libc::E2BIG => E::TooBig,
            libc::EACCES => E::Acces,
            libc::EADDRINUSE => E::Addrinuse,
            libc::EADDRNOTAVAIL => E::Addrnotavail,
            libc::EAFNOSUPPORT => E::Afnosupport,
            libc::EAGAIN => E::Again,
            libc::EALREADY => E::Already,
            libc::EBADF => E::Badf,
            libc::EBADMSG => E::Badmsg,
            libc::EBUSY => E::Busy,
            libc::ECANCELED => E::Canceled,
            libc::ECHILD => E::Child,
            libc::ECONNABORTED => E::Connaborted,
            libc::ECONNREFUSED => E::Connrefused,
            libc::ECONNRESET => E::Connreset,
            libc::EDEADLK => E::Deadlk,
            libc::EDESTADDRREQ => E::Destaddrreq,
            libc::EDOM => E::Dom,
            libc::EDQUOT => E::Dquot,
            libc::EEXIST => E::Exist,
            libc::EFAULT => E::Fault,
            libc::EFBIG => E::Fbig,
            libc::EHOSTUNREACH => E::Hostunreach,
            libc::EIDRM => E::Idrm,
            libc::EILSEQ => E::Ilseq,
            libc::EINPROGRESS => E::Inprogress,
            libc::EINTR => E::Intr,
            libc::EINVAL => E::Inval,
            libc::EIO => E::Io,
            libc::EISCONN => E::Isconn,
            libc::EISDIR => E::Isdir,
            libc::ELOOP => E::Loop,
            libc::EMFILE => E::Mfile,
            libc::EMLINK => E::Mlink,
            libc::EMSGSIZE => E::Msgsize,
            libc::EMULTIHOP => E::Multihop,
            libc::ENAMETOOLONG => E::Nametoolong,
            libc::ENETDOWN => E::Netdown,
            libc::ENETRESET => E::Netreset,
            libc::ENETUNREACH => E::Netunreach,
            libc::ENFILE => E::Nfile,
            libc::ENOBUFS => E::Nobufs,
            libc::ENODEV => E::Nodev,
            libc::ENOENT => E::Noent,
            libc::ENOEXEC => E::Noexec,
            libc::ENOLCK => E::Nolck,
            libc::ENOLINK => E::Nolink,
            libc::ENOMEM => E::Nomem,
            libc::ENOMSG => E::Nomsg,
            libc::ENOPROTOOPT => E::Noprotoopt,
            libc::ENOSPC => E::Nospc,
            libc::ENOSYS => E::Nosys,
            libc::ENOTCONN => E::Notconn,
            libc::ENOTDIR => E::Notdir,
            libc::ENOTEMPTY => E::Notempty,
            libc::ENOTRECOVERABLE => E::Notrecoverable,
            libc::ENOTSOCK => E::Notsock,
            libc::EOPNOTSUPP => E::Notsup,
            libc::ENOTTY => E::Notty,
            libc::ENXIO => E::Nxio,
            libc::EOVERFLOW => E::Overflow,
            libc::EOWNERDEAD => E::Ownerdead,
            libc::EPERM => E::Perm,
            libc::EPIPE => E::Pipe,
            libc::EPROTO => E::Proto,
            libc::EPROTONOSUPPORT => E::Protonosupport,
            libc::EPROTOTYPE => E::Prototype,
            libc::ERANGE => E::Range,
            libc::EROFS => E::Rofs,
            libc::ESPIPE => E::Spipe,
            libc::ESRCH => E::Srch,
            libc::ESTALE => E::Stale,
            libc::ETIMEDOUT => E::Timedout,
            libc::ETXTBSY => E::Txtbsy,
            libc::EXDEV => E::Xdev,
            _ => E::Io,
        }
    }

    /// The numeric value handed to the guest.
    pub fn raw(self) -> u16 {
        self as u16
    }
}

impl From<io::Error> for Errno {
    fn from(error: io::Error) -> Errno {
        if let Some(code) = error.raw_os_error() {
            return Errno::from_raw_os_error(code);
        }
        match error.kind() {
            io::ErrorKind::NotFound => Errno::Noent,
            io::ErrorKind::PermissionDenied => Errno::Perm,
            io::ErrorKind::AlreadyExists => Errno::Exist,
            io::ErrorKind::InvalidInput => Errno::Inval,
            io::ErrorKind::WouldBlock => Errno::Again,
            io::ErrorKind::BrokenPipe => Errno::Pipe,
            io::ErrorKind::Interrupted => Errno::Intr,
            io::ErrorKind::Unsupported => Errno::Notsup,
            _ => Errno::Io,
        }
    }
}

impl From<std::num::TryFromIntError> for Errno {
    fn from(_: std::num::TryFromIntError) -> Errno {
        Errno::Overflow
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "errno {} ({}): {}",
            self.raw(),
            self.name(),
            self.description()
        )
    }
}

impl std::error::Error for Errno {}

/// Result of a WASI operation: `Err` carries the errno the guest receives.
pub type WasiResult<T> = Result<T, Errno>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_matches_the_witx() {
        assert_eq!(Errno::Success.raw(), 0);
        assert_eq!(Errno::Badf.raw(), 8);
        assert_eq!(Errno::Fault.raw(), 21);
        assert_eq!(Errno::Inval.raw(), 28);
        assert_eq!(Errno::Noent.raw(), 44);
        assert_eq!(Errno::Perm.raw(), 63);
        assert_eq!(Errno::Notcapable.raw(), 76);
        assert_eq!(Errno::from_u16(57), Some(Errno::Notsock));
        assert_eq!(Errno::from_u16(77), None);
    }

    #[test]
    fn host_errors_map_by_number_then_by_kind() {
        assert_eq!(Errno::from_raw_os_error(libc::ENOENT), Errno::Noent);
        assert_eq!(Errno::from_raw_os_error(libc::ELOOP), Errno::Loop);
        assert_eq!(Errno::from_raw_os_error(9999), Errno::Io);
        let escape = io::Error::new(io::ErrorKind::PermissionDenied, "outside");
        assert_eq!(Errno::from(escape), Errno::Perm);
        assert_eq!(
            Errno::from(io::Error::from_raw_os_error(libc::ENOTEMPTY)),
            Errno::Notempty
        );
    }

    #[test]
    fn display_names_the_errno() {
        assert_eq!(
            Errno::Noent.to_string(),
            "errno 44 (Noent): No such file or directory."
        );
    }
}
