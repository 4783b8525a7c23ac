//! Sandboxed path resolution beneath a directory descriptor.
//!
//! Every guest path is resolved here, one component at a time, starting at
//! the directory descriptor the guest names (which acts as the root of what
//! it may reach). Intermediate directories are opened with
//! `O_PATH | O_DIRECTORY | O_NOFOLLOW`, so the kernel never follows a symlink
//! on our behalf; symlinks are read with `readlinkat` and expanded here, with
//! at most [`MAX_SYMLINK_EXPANSIONS`] expansions (then `ELOOP`).
//!
//! Escapes are refused with `EPERM`, which is what wasmtime reports (cap-std
//! reports an escape as "permission denied" without an OS error code, and
//! wasmtime maps that to `ERRNO_PERM`):
//! - an absolute path,
//! - a `..` that would climb above the root (also when it comes from a
//!   symlink's target),
//! - a symlink whose target is absolute.
//!
//! `..` is applied to the directories actually opened (as the kernel does),
//! so `link/..` is the parent of the link's *target*, and it can never climb
//! above the starting descriptor. Because the final operation is always an
//! `*at` call on an opened parent with a single component that does not
//! follow symlinks, a concurrent swap of a directory for a symlink makes the
//! call fail instead of escaping.

use std::collections::VecDeque;
use std::ffi::CString;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use crate::errno::{Errno, WasiResult};
use crate::sys;

/// Symlink expansions allowed while resolving one path (as cap-std).
pub const MAX_SYMLINK_EXPANSIONS: u32 = 40;

/// Whether a symlink in the last component is followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowFinal {
    /// Resolve a symlink named by the last component.
    Yes,
    /// Operate on the symlink itself.
    No,
}

/// A resolved path: the directory holding the final component, and that
/// component.
#[derive(Debug)]
pub struct Resolved<'root> {
    parent: Parent<'root>,
    name: Option<CString>,
    must_be_dir: bool,
}

#[derive(Debug)]
enum Parent<'root> {
    Root(BorrowedFd<'root>),
    Opened(OwnedFd),
}

impl Resolved<'_> {
    /// The directory that contains the final component.
    pub fn dir(&self) -> BorrowedFd<'_> {
        match &self.parent {
            Parent::Root(fd) => *fd,
            Parent::Opened(fd) => fd.as_fd(),
        }
    }

    /// The final component, or `.` when the path names the directory itself
    /// (e.g. `"."`, `"a/.."`).
    pub fn name(&self) -> &std::ffi::CStr {
        self.name.as_deref().unwrap_or(c".")
    }

    /// True if the path names the directory [`Resolved::dir`] itself.
    pub fn is_dir_itself(&self) -> bool {
        self.name.is_none()
    }

    /// True if the path ended in `/` (or `/.`), so it must name a directory.
    pub fn must_be_dir(&self) -> bool {
        self.must_be_dir
    }
}

/// Splits a guest path into components, refusing absolute paths and
/// anything the host cannot represent.
fn components(path: &str) -> WasiResult<(VecDeque<String>, bool)> {
    if path.is_empty() {
        return Err(Errno::Noent);
    }
    if path.starts_with('/') {
        return Err(Errno::Perm);
    }
    if path.contains('\0') {
        return Err(Errno::Inval);
    }
    let must_be_dir = path.ends_with('/') || path.ends_with("/.") || path == ".";
    let parts = path
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(str::to_owned)
        .collect();
    Ok((parts, must_be_dir))
}

/// Resolves `path` beneath `root`, never leaving it.
///
/// Intermediate symlinks are always followed (inside the sandbox); the last
/// component's symlink is followed when `follow` says so or when the path
/// ends in `/`. The last component need not exist.
pub fn resolve<'root>(
    root: BorrowedFd<'root>,
    path: &str,
    follow: FollowFinal,
) -> WasiResult<Resolved<'root>> {
    let (mut pending, must_be_dir) = components(path)?;
    let mut stack: Vec<OwnedFd> = Vec::new();
    let mut expansions = 0u32;
    let follow_final = follow == FollowFinal::Yes || must_be_dir;

    loop {
        let Some(component) = pending.pop_front() else {
            let parent = match stack.pop() {
                Some(fd) => Parent::Opened(fd),
                None => Parent::Root(root),
            };
            return Ok(Resolved {
                parent,
                name: None,
                must_be_dir,
            });
        };
        if component == ".." {
            if stack.pop().is_none() {
                return Err(Errno::Perm);
            }
            continue;
        }
        let current = stack.last().map_or(root, |fd| fd.as_fd());
        let name = CString::new(component).map_err(|_| Errno::Inval)?;
        let is_last = pending.is_empty();

        if !is_last || follow_final {
            match sys::readlink_at(current, &name) {
                Ok(target) => {
                    expansions += 1;
                    if expansions > MAX_SYMLINK_EXPANSIONS {
                        return Err(Errno::Loop);
                    }
                    let target = String::from_utf8(target).map_err(|_| Errno::Ilseq)?;
                    if target.starts_with('/') {
                        return Err(Errno::Perm);
                    }
                    let (expanded, _) = components(&target)?;
                    // A target that ends in '/' names a directory; keep the
                    // remaining components after the expansion.
                    for part in expanded.into_iter().rev() {
                        pending.push_front(part);
                    }
                    continue;
                }
                // Not a symlink: an ordinary entry.
                Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {}
                // Missing: fine for the last component (it may be created).
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) && is_last => {}
                Err(e) => return Err(e.into()),
            }
        }

        if is_last {
            let parent = match stack.pop() {
                Some(fd) => Parent::Opened(fd),
                None => Parent::Root(root),
            };
            return Ok(Resolved {
                parent,
                name: Some(name),
                must_be_dir,
            });
        }
        let dir = sys::open_at(
            current,
            &name,
            libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW,
            0,
        )
        .map_err(|e| match e.raw_os_error() {
            // A symlink swapped in after readlinkat: refuse rather than follow.
            Some(libc::ELOOP) => Errno::Notdir,
            _ => e.into(),
        })?;
        stack.push(dir);
    }
}

/// Checks that a symlink target is acceptable to create: absolute targets
/// are refused with `EPERM` (as wasmtime does), relative ones are stored
/// as given and confined when followed.
pub fn check_symlink_target(target: &str) -> WasiResult<CString> {
    if target.starts_with('/') {
        return Err(Errno::Perm);
    }
    if target.is_empty() {
        return Err(Errno::Noent);
    }
    CString::new(target).map_err(|_| Errno::Inval)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::path::{Path, PathBuf};

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            use std::sync::atomic::{AtomicU32, Ordering};
            static NEXT: AtomicU32 = AtomicU32::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!(
                "zwasm-wasi-sandbox-{tag}-{}-{n}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Layout: outside/secret, root/{file, dir/inner, up -> .., abs -> /etc,
    /// loop_a -> loop_b -> loop_a, inlink -> dir, chain1 -> chain2 -> dir/..}
    fn fixture() -> (TempDir, std::fs::File) {
        let tmp = TempDir::new("fixture");
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("secret"), "s").unwrap();
        let root = tmp.path().join("root");
        std::fs::create_dir_all(root.join("dir")).unwrap();
        std::fs::write(root.join("file"), "f").unwrap();
        std::fs::write(root.join("dir/inner"), "i").unwrap();
        symlink("..", root.join("up")).unwrap();
        symlink("../../outside/secret", root.join("dir/escape")).unwrap();
        symlink("/etc", root.join("abs")).unwrap();
        symlink("loop_b", root.join("loop_a")).unwrap();
        symlink("loop_a", root.join("loop_b")).unwrap();
        symlink("dir", root.join("inlink")).unwrap();
        symlink("chain2", root.join("chain1")).unwrap();
        symlink("dir/..", root.join("chain2")).unwrap();
        let fd = std::fs::File::open(&root).unwrap();
        (tmp, fd)
    }

    fn stat_of(resolved: &Resolved<'_>) -> WasiResult<sys::Stat> {
        sys::lstat_at(resolved.dir(), resolved.name()).map_err(Errno::from)
    }

    #[test]
    fn ordinary_paths_resolve() {
        let (_tmp, root) = fixture();
        let r = resolve(root.as_fd(), "dir/inner", FollowFinal::No).unwrap();
        assert_eq!(r.name().to_bytes(), b"inner");
        assert_eq!(stat_of(&r).unwrap().size, 1);
        let r = resolve(root.as_fd(), "./dir/../file", FollowFinal::No).unwrap();
        assert_eq!(stat_of(&r).unwrap().size, 1);
        let r = resolve(root.as_fd(), ".", FollowFinal::No).unwrap();
        assert!(r.is_dir_itself());
        let r = resolve(root.as_fd(), "inlink/inner", FollowFinal::No).unwrap();
        assert_eq!(stat_of(&r).unwrap().size, 1);
        let r = resolve(root.as_fd(), "chain1/file", FollowFinal::No).unwrap();
        assert_eq!(stat_of(&r).unwrap().size, 1);
        let r = resolve(root.as_fd(), "missing", FollowFinal::Yes).unwrap();
        assert_eq!(stat_of(&r).err(), Some(Errno::Noent));
    }

    #[test]
    fn escapes_are_refused_with_eperm() {
        let (_tmp, root) = fixture();
        for path in [
            "..",
            "../outside/secret",
            "dir/../../outside/secret",
            "/etc/passwd",
            "up/outside/secret",
            "abs/passwd",
            "dir/escape",
            "inlink/escape",
        ] {
            let result = resolve(root.as_fd(), path, FollowFinal::Yes).map(|_| ());
            assert_eq!(result, Err(Errno::Perm), "{path}");
        }
        // Not following the last symlink is fine: it names the link itself.
        let r = resolve(root.as_fd(), "dir/escape", FollowFinal::No).unwrap();
        assert_eq!(stat_of(&r).unwrap().mode & libc::S_IFMT, libc::S_IFLNK);
        // But a trailing slash forces the follow.
        assert_eq!(
            resolve(root.as_fd(), "abs/", FollowFinal::No).map(|_| ()),
            Err(Errno::Perm)
        );
    }

    #[test]
    fn symlink_loops_end_in_eloop() {
        let (_tmp, root) = fixture();
        assert_eq!(
            resolve(root.as_fd(), "loop_a", FollowFinal::Yes).map(|_| ()),
            Err(Errno::Loop)
        );
        assert_eq!(
            resolve(root.as_fd(), "loop_a/x", FollowFinal::No).map(|_| ()),
            Err(Errno::Loop)
        );
    }

    #[test]
    fn files_in_the_middle_are_not_directories() {
        let (_tmp, root) = fixture();
        assert_eq!(
            resolve(root.as_fd(), "file/x", FollowFinal::No).map(|_| ()),
            Err(Errno::Notdir)
        );
        assert_eq!(
            resolve(root.as_fd(), "nope/x", FollowFinal::No).map(|_| ()),
            Err(Errno::Noent)
        );
        assert_eq!(
            resolve(root.as_fd(), "", FollowFinal::No).map(|_| ()),
            Err(Errno::Noent)
        );
        assert_eq!(
            resolve(root.as_fd(), "a\0b", FollowFinal::No).map(|_| ()),
            Err(Errno::Inval)
        );
    }

    #[test]
    fn symlink_targets_must_be_relative() {
        assert_eq!(check_symlink_target("/"), Err(Errno::Perm));
        assert!(check_symlink_target("../x").is_ok());
    }
}
