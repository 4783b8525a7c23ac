//! Numeric constants and memory layouts of `wasi_snapshot_preview1`, as
//! defined by its witx (`typenames.witx`). Offsets are in bytes.

/// File types (`filetype`).
pub mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_DGRAM: u8 = 5;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// Clock identifiers (`clockid`).
pub mod clockid {
    pub const REALTIME: u32 = 0;
    pub const MONOTONIC: u32 = 1;
    pub const PROCESS_CPUTIME: u32 = 2;
    pub const THREAD_CPUTIME: u32 = 3;
}

/// Seek origins (`whence`).
pub mod whence {
    pub const SET: u8 = 0;
    pub const CUR: u8 = 1;
    pub const END: u8 = 2;
}

/// File descriptor flags (`fdflags`).
pub mod fdflags {
    pub const APPEND: u16 = 1 << 0;
    pub const DSYNC: u16 = 1 << 1;
    pub const NONBLOCK: u16 = 1 << 2;
    pub const RSYNC: u16 = 1 << 3;
    pub const SYNC: u16 = 1 << 4;
    pub const ALL: u16 = 0x1f;
}

/// Open flags (`oflags`).
pub mod oflags {
    pub const CREAT: u16 = 1 << 0;
    pub const DIRECTORY: u16 = 1 << 1;
    pub const EXCL: u16 = 1 << 2;
    pub const TRUNC: u16 = 1 << 3;
    pub const ALL: u16 = 0xf;
}

/// Lookup flags (`lookupflags`).
pub mod lookupflags {
    pub const SYMLINK_FOLLOW: u32 = 1 << 0;
}

/// Which timestamps `*_filestat_set_times` sets (`fstflags`).
pub mod fstflags {
    pub const ATIM: u16 = 1 << 0;
    pub const ATIM_NOW: u16 = 1 << 1;
    pub const MTIM: u16 = 1 << 2;
    pub const MTIM_NOW: u16 = 1 << 3;
    pub const ALL: u16 = 0xf;
}

/// Capability bits (`rights`).
pub mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const PATH_SYMLINK: u64 = 1 << 24;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    pub const SOCK_SHUTDOWN: u64 = 1 << 28;
    pub const SOCK_ACCEPT: u64 = 1 << 29;
    /// Every defined right.
    pub const ALL: u64 = (1 << 30) - 1;

    /// Rights reported for a preopened directory (the same fixed set as
    /// wasmtime reports, which many guest libcs rely on).
    pub const PREOPEN_DIR_BASE: u64 = PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES;

    /// Rights a preopened directory hands on to what is opened beneath it.
    pub const PREOPEN_DIR_INHERITING: u64 = PREOPEN_DIR_BASE
        | FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;
}

/// File advice (`advice`).
pub mod advice {
    pub const NORMAL: u8 = 0;
    pub const SEQUENTIAL: u8 = 1;
    pub const RANDOM: u8 = 2;
    pub const WILLNEED: u8 = 3;
    pub const DONTNEED: u8 = 4;
    pub const NOREUSE: u8 = 5;
}

/// Event types (`eventtype`).
pub mod eventtype {
    pub const CLOCK: u8 = 0;
    pub const FD_READ: u8 = 1;
    pub const FD_WRITE: u8 = 2;
}

/// Flags of a clock subscription (`subclockflags`).
pub mod subclockflags {
    pub const ABSTIME: u16 = 1 << 0;
}

/// Flags of an fd readiness event (`eventrwflags`).
pub mod eventrwflags {
    pub const FD_READWRITE_HANGUP: u16 = 1 << 0;
}

/// Socket receive flags (`riflags`) and shutdown flags (`sdflags`).
pub mod sock {
    pub const RECV_PEEK: u16 = 1 << 0;
    pub const RECV_WAITALL: u16 = 1 << 1;
    pub const SHUT_RD: u8 = 1 << 0;
    pub const SHUT_WR: u8 = 1 << 1;
}

/// Layout of `filestat` (size 64, align 8).
pub mod filestat_layout {
    pub const SIZE: u32 = 64;
    pub const DEV: u32 = 0;
    pub const INO: u32 = 8;
    pub const FILETYPE: u32 = 16;
    pub const NLINK: u32 = 24;
    pub const SIZE_FIELD: u32 = 32;
    pub const ATIM: u32 = 40;
    pub const MTIM: u32 = 48;
    pub const CTIM: u32 = 56;
}

/// Layout of `fdstat` (size 24, align 8).
pub mod fdstat_layout {
    pub const SIZE: u32 = 24;
    pub const FILETYPE: u32 = 0;
    pub const FLAGS: u32 = 2;
    pub const RIGHTS_BASE: u32 = 8;
    pub const RIGHTS_INHERITING: u32 = 16;
}

/// Layout of `dirent` (header of 24 bytes, followed by the name).
pub mod dirent_layout {
    pub const SIZE: u32 = 24;
}

/// Layout of `subscription` (size 48, align 8).
pub mod subscription_layout {
    pub const SIZE: u32 = 48;
    pub const USERDATA: u32 = 0;
    pub const TAG: u32 = 8;
    pub const CLOCK_ID: u32 = 16;
    pub const CLOCK_TIMEOUT: u32 = 24;
    pub const CLOCK_FLAGS: u32 = 40;
    pub const FD: u32 = 16;
}

/// Layout of `event` (size 32, align 8).
pub mod event_layout {
    pub const SIZE: u32 = 32;
    pub const USERDATA: u32 = 0;
    pub const ERROR: u32 = 8;
    pub const TYPE: u32 = 10;
    pub const NBYTES: u32 = 16;
    pub const FLAGS: u32 = 24;
}
