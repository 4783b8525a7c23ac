//! The C programs of `tests/wasi/` run through the library API, with
//! output and exit status compared to expectations written by hand from the
//! WASI specification (and wasmtime's documented errno choices).

mod common;

use std::time::Instant;

use common::{Outcome, TempDir, assert_lines, run};
use zwasm_wasi::ReadPipe;

#[test]
fn args_and_environment_are_exactly_what_was_granted() {
    let r = run("args_env", &["one", "two words"], |b| {
        b.env("HOME", "/home/guest").env("A", "1=2")
    });
    assert_eq!(r.outcome, Outcome::Exit(0));
    assert_lines(
        &r.stdout,
        "args_sizes_get: count=3 size=28
argc=3
argv[0]=args_env.wasm
argv[1]=one
argv[2]=two words
environ_sizes_get: count=2 size=23
environ[0]=HOME=/home/guest
environ[1]=A=1=2
getenv(HOME)=/home/guest
getenv(PATH)=(unset)
libc environ entries=2
",
    );
}

#[test]
fn no_host_environment_leaks_unless_inherited() {
    assert!(
        std::env::var_os("PATH").is_some(),
        "the test host has a PATH"
    );
    let r = run("args_env", &[], |b| b);
    assert_eq!(r.outcome, Outcome::Exit(0));
    assert!(
        r.stdout.contains("environ_sizes_get: count=0 size=0\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("getenv(PATH)=(unset)\n"));
    assert!(r.stdout.contains("libc environ entries=0\n"));

    let r = run("args_env", &[], |b| {
        b.inherit_env().env("HOME", "/override")
    });
    let path = std::env::var("PATH").unwrap();
    assert!(
        r.stdout.contains(&format!("getenv(PATH)={path}\n")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("getenv(HOME)=/override\n"));
}

#[test]
fn exit_codes_come_from_proc_exit() {
    for code in ["0", "1", "42", "125"] {
        let r = run("exit", &[code], |b| b);
        assert_eq!(r.outcome, Outcome::Exit(code.parse().unwrap()));
        assert_eq!(r.stdout, format!("exiting with {code}\n"));
    }
    let r = run("exit", &["return", "7"], |b| b);
    assert_eq!(r.outcome, Outcome::Exit(7));
    // WASI reserves 126 and above; like wasmtime, that is an error.
    let r = run("exit", &["126"], |b| b);
    assert_eq!(r.outcome, Outcome::InvalidExit(126));
    let r = run("exit", &["trap"], |b| b);
    assert!(
        matches!(r.outcome, Outcome::Error(ref m) if m.contains("unreachable")),
        "{:?}",
        r.outcome
    );
    assert_eq!(r.stdout, "exiting with trap\n");
}

#[test]
fn descriptor_io() {
    let dir = TempDir::new("fdio");
    let r = run("fdio", &[], |b| b.preopened_dir(dir.path(), "/sandbox"));
    assert_eq!(r.outcome, Outcome::Exit(0), "{}", r.stdout);
    assert_lines(
        &r.stdout,
        r#"preopen fd=3 name="/sandbox" len=8
prestat_dir_name(too short): NAMETOOLONG
prestat_get(stdout): BADF
prestat_get(closed): BADF
fdstat(0): read=1 write=0
fdstat(1): read=0 write=1
fdstat(2): read=0 write=1
fdstat(preopen): type=3 path_open=1 readdir=1
opened data.txt as fd 4
fd_write 3 iovecs: n=12
tell after write: SUCCESS pos=12
filestat after write: SUCCESS type=4 size=12 nlink=1
fdstat(file): type=4 flags=0 read=1 write=1
seek set 7: SUCCESS
read 3: SUCCESS n=3 data="wor"
tell: SUCCESS pos=10
seek cur -4: SUCCESS
  pos=6
seek end -2: SUCCESS
  pos=10
read rest: SUCCESS n=2 data="ld"
read at eof: SUCCESS n=0 data=""
seek before start: INVAL
seek past end: SUCCESS
size after write past end: SUCCESS type=4 size=25 nlink=1
scatter read: n=10 a="hel" b="lo, wor"
tell before pread: SUCCESS pos=10
pread @7: SUCCESS
  n=5 data="world"
pwrite @0: SUCCESS
tell after pread/pwrite: SUCCESS pos=10
read start: SUCCESS n=12 data="HELLO, world"
advise sequential: SUCCESS
allocate 0..4096: SUCCESS
size after allocate: SUCCESS type=4 size=4096 nlink=1
set_size 5: SUCCESS
size after set_size: SUCCESS type=4 size=5 nlink=1
sync: SUCCESS
datasync: SUCCESS
set_times mtim: SUCCESS
  mtim=1000000000000000000
set_times mtim+now: INVAL
set_flags append: SUCCESS
  append flag=1
tell after append: SUCCESS pos=10
set_flags sync: INVAL
set_flags none: SUCCESS
read all: SUCCESS n=10 data="HELLO+tail"
write to read-only fd: BADF
read via read-only fd: SUCCESS n=10 data="HELLO+tail"
renumber: SUCCESS
tell on renumbered fd: SUCCESS pos=10
read renumbered: SUCCESS n=0 data=""
read old number: BADF
renumber closed: BADF
set_rights: NOTSUP
close: SUCCESS
close again: BADF
seek stdout: SPIPE
tell stdin: SPIPE
pread stdin: SPIPE
pwrite stdout: SPIPE
read directory: BADF
write directory: BADF
seek directory: BADF
sync stdout: BADF
allocate stdout: BADF
set_size directory: BADF
set_flags stdout: BADF
set_rights stdout: BADF
write closed fd: BADF
fdstat closed fd: BADF
stderr write n=10
"#,
    );
    assert_eq!(r.stderr, "to stderr\n");
    assert_eq!(
        std::fs::read(dir.path().join("data.txt")).unwrap(),
        b"HELLO+tail"
    );
}

#[test]
fn clocks_random_and_poll() {
    let dir = TempDir::new("clocks");
    let r = run("clocks", &[], |b| b.preopened_dir(dir.path(), "."));
    assert_eq!(r.outcome, Outcome::Exit(0), "{}", r.stdout);
    assert_lines(
        &r.stdout,
        "clock realtime: res_get=SUCCESS res>0=1 time_get=SUCCESS
clock monotonic: res_get=SUCCESS res>0=1 time_get=SUCCESS
clock process_cputime: res_get=SUCCESS res>0=1 time_get=SUCCESS
clock thread_cputime: res_get=SUCCESS res>0=1 time_get=SUCCESS
realtime after 2020: 1
monotonic non-decreasing: 1
process cputime advances: SUCCESS 1
random_get: nonzero=1 differ=1
random_get(0 bytes): SUCCESS
sched_yield: SUCCESS
proc_raise(0): NOTSUP
poll 20ms: SUCCESS
  n=1 userdata=7 type=0 error=SUCCESS waited>=20ms=1
poll 10s+5ms: SUCCESS
  n=1 userdata=2
poll absolute: SUCCESS
  n=1 userdata=3 reached=1
poll past deadline: SUCCESS
  n=1
poll stdout+stderr+timer: SUCCESS
  n=2 [userdata=11 type=2] [userdata=12 type=2]
poll file read: SUCCESS
  n=1 userdata=20 type=1 nbytes=6 hangup=0
poll directory: BADF
poll closed fd: BADF
poll no subscriptions: INVAL
poll cputime clock: INVAL
",
    );
}

/// Each probe of guest_errors.c makes one call that no errno answers; the
/// run ends with wasmtime's message, after what the program printed.
#[test]
fn calls_with_bad_pointers_or_undefined_values_end_the_run() {
    let w = "In func wasi_snapshot_preview1::";
    for (probe, message) in [
        (
            "clock_id",
            format!("{w}clock_time_get at convert Clockid: Invalid enum value Clockid"),
        ),
        (
            "clock_res_id",
            format!("{w}clock_res_get at convert Clockid: Invalid enum value Clockid"),
        ),
        (
            "whence",
            format!("{w}fd_seek at convert Whence: Invalid enum value Whence"),
        ),
        (
            "whence_wide",
            format!(
                "{w}fd_seek at convert Whence: Int conversion error: TryFromIntError(PosOverflow)"
            ),
        ),
        (
            "advice",
            format!("{w}fd_advise at convert Advice: Invalid enum value Advice"),
        ),
        (
            "fdflags",
            format!("{w}fd_fdstat_set_flags at convert Fdflags: Invalid flag value Fdflags"),
        ),
        (
            "lookupflags",
            format!("{w}path_filestat_get at convert Lookupflags: Invalid flag value Lookupflags"),
        ),
        (
            "rights",
            format!("{w}fd_fdstat_set_rights at convert Rights: Invalid flag value Rights"),
        ),
        (
            "args_get",
            "Pointer out of bounds: Region { start: 4294967280, len: 4 }".to_owned(),
        ),
        (
            "clock_result",
            format!(
                "{w}clock_time_get at write timestamp: Pointer out of bounds: Region {{ start: 4294967292, len: 8 }}"
            ),
        ),
        (
            "iovec",
            "Pointer out of bounds: Region { start: 4294967288, len: 4 }".to_owned(),
        ),
        (
            "buffer",
            "Pointer out of bounds: Region { start: 4294967280, len: 16 }".to_owned(),
        ),
        (
            "fdstat_result",
            format!(
                "{w}fd_fdstat_get at write fdstat: Pointer out of bounds: Region {{ start: 4294967280, len: 1 }}"
            ),
        ),
        (
            "random",
            "Pointer out of bounds: Region { start: 4294967280, len: 64 }".to_owned(),
        ),
        (
            "poll",
            "Pointer out of bounds: Region { start: 4294967040, len: 8 }".to_owned(),
        ),
    ] {
        let r = run("guest_errors", &[probe], |b| b);
        assert_eq!(r.outcome, Outcome::GuestError(message), "{probe}");
        assert_eq!(r.stdout, format!("probe {probe}\n"), "{probe}");
    }
    // The address depends on the program's data layout; the rest does not.
    let r = run("guest_errors", &["misaligned_result"], |b| b);
    assert!(
        matches!(&r.outcome, Outcome::GuestError(m)
            if m.starts_with(&format!("{w}clock_time_get at write timestamp: Pointer not aligned to 8: Region {{ start: "))
            && m.ends_with(", len: 8 }")),
        "{:?}",
        r.outcome
    );
    // An errno found first, and an access of zero bytes, return normally.
    for (probe, errno) in [("badf_before_result", "BADF"), ("zero_length", "SUCCESS")] {
        let r = run("guest_errors", &[probe], |b| b);
        assert_eq!(r.outcome, Outcome::Exit(0), "{probe}");
        assert_eq!(
            r.stdout,
            format!("probe {probe}\n{probe} returned {errno}\n")
        );
    }
}

#[test]
fn stdin_is_read_from_the_pipe_until_eof() {
    let r = run("stdin", &[], |b| {
        b.stdin(ReadPipe::from_bytes("hello\nwasi\n"))
    });
    assert_eq!(r.outcome, Outcome::Exit(0), "{}", r.stdout);
    assert_lines(
        &r.stdout,
        "poll stdin: n=1 userdata=5 type=1 error=SUCCESS
read 11 bytes
HELLO
WASI
read at eof: SUCCESS
  n=0
write to stdin: BADF
",
    );
    // Without a stdin the guest sees an empty stream.
    let r = run("stdin", &[], |b| b);
    assert!(r.stdout.contains("read 0 bytes\n"), "{}", r.stdout);
}

#[test]
fn directory_operations() {
    let dir = TempDir::new("dirs");
    let r = run("dirs", &[], |b| b.preopened_dir(dir.path(), "."));
    assert_eq!(r.outcome, Outcome::Exit(0), "{}", r.stdout);
    let long = "L".repeat(200);
    let expected = r#"mkdir a: SUCCESS
mkdir a/b: SUCCESS
mkdir a (exists): EXIST
mkdir x/y (no parent): NOENT
mkdir c/ (trailing slash): SUCCESS
opened a: type=3
readdir a, 4096-byte buffer:
  entry "." type=3 next=1
  entry ".." type=3 next=2
  entry "LONG" type=4 next=3
  entry "b" type=3 next=4
  entry "file1" type=4 next=5
  entry "file2" type=4 next=6
  listed in 1 calls
readdir a, 40-byte buffer:
  entry "." type=3 next=1
  entry ".." type=3 next=2
  (buffer of 40 too small, growing)
  (buffer of 80 too small, growing)
  (buffer of 160 too small, growing)
  entry "LONG" type=4 next=3
  entry "b" type=3 next=4
  entry "file1" type=4 next=5
  entry "file2" type=4 next=6
  listed in 6 calls
readdir cookie past end: SUCCESS
  used=0
readdir cookie 1, 8-byte buffer: SUCCESS
  used=8
readdir on a file: BADF
rename a/file1 -> a/b/moved: SUCCESS
stat a/file1: NOENT
stat a/b/moved: SUCCESS type=4 size=3 nlink=1
rename via subdir fd: SUCCESS
rename missing: NOENT
rename dir a/b -> c (empty dir replaced): SUCCESS
rename file/ (trailing slash): NOTDIR
link moved2 -> hard: SUCCESS
stat hard: SUCCESS type=4 size=3 nlink=2
link to existing: EXIST
link a directory: PERM
link with SYMLINK_FOLLOW: INVAL
link to new/ (trailing slash): NOENT
symlink moved2 <- sym: SUCCESS
symlink dangling: SUCCESS
symlink existing name: EXIST
symlink to new/ (trailing slash): NOENT
symlink to dir/ (exists): EXIST
symlink to file/ (exists): NOTDIR
readlink sym: SUCCESS
  target="moved2" used=6
readlink truncated: SUCCESS
  target="mov" used=3
readlink a file: INVAL
stat sym nofollow: SUCCESS type=7 size=6 nlink=1
stat sym follow: SUCCESS type=4 size=3 nlink=2
stat dangling follow: NOENT
open sym nofollow: LOOP
open sym follow: SUCCESS
  read through symlink: "one"
symlink to dir: SUCCESS
stat adir/file2 (through link): SUCCESS type=4 size=4 nlink=1
open dangling with creat+follow: NOENT
symlink loop1: SUCCESS
symlink loop2: SUCCESS
open loop follow: LOOP
open missing: NOENT
open creat+excl existing: EXIST
open directory flag on file: NOTDIR
open file/ (trailing slash): NOTDIR
open directory+creat: INVAL
open dir for writing: ISDIR
open with sync flag: NOTSUP
open relative to a file: BADF
open trunc: SUCCESS
  stat after trunc: SUCCESS type=4 size=0 nlink=2
open append: SUCCESS
  append flag=1
  stat after appends: SUCCESS type=4 size=6 nlink=2
open . as directory: SUCCESS
set_times atim+mtim: SUCCESS
  atim=1000000000000000000 mtim=2000000000000000005
set_times atim+atim_now: INVAL
set_times missing: NOENT
rmdir non-empty a: NOTEMPTY
rmdir a file: NOTDIR
unlink a directory: ISDIR
unlink file/ (trailing slash): NOTDIR
unlink hard: SUCCESS
stat moved2 nlink: SUCCESS type=4 size=6 nlink=1
unlink sym (the link only): SUCCESS
stat moved2 still there: SUCCESS type=4 size=6 nlink=1
unlink missing: NOENT
rmdir c: SUCCESS
rmdir c again: NOENT
rmdir .: INVAL
path op on stdout: BADF
path with bad utf-8: ILSEQ
empty path: NOENT
final listing:
  entry "." type=3 next=1
  entry ".." type=3 next=2
  entry "a" type=3 next=3
  entry "adir" type=7 next=4
  entry "dangling" type=7 next=5
  entry "loop1" type=7 next=6
  entry "loop2" type=7 next=7
  entry "moved2" type=4 next=8
  listed in 1 calls
"#
    .replace("LONG", &long);
    assert_lines(&r.stdout, &expected);
    let moved = std::fs::read_to_string(dir.path().join("moved2")).unwrap();
    assert_eq!(moved, "abcabc");
    assert!(dir.path().join(format!("a/{long}")).is_file());
}

#[test]
fn a_real_program_walks_and_edits_a_tree() {
    let dir = TempDir::new("walk");
    let r = run("walk", &[], |b| b.preopened_dir(dir.path(), "."));
    assert_eq!(r.outcome, Outcome::Exit(0), "{}", r.stdout);
    assert_lines(
        &r.stdout,
        "readme line 1: hello from wasm
readme line 2: second line
docs/
  final.txt (5 bytes, 2 links)
  readme.txt (28 bytes, 1 links)
final-link.txt (5 bytes, 2 links)
readme-link -> docs/readme.txt
src/
  deep/
    data.bin (10 bytes, 1 links)
  main.c (29 bytes, 1 links)
total bytes: 77
slept at least 30ms: yes
realtime resolution positive: yes
year after 2020: yes
random bytes nonzero: yes
done
",
    );
    let tree = dir.path().join("tree");
    assert_eq!(
        std::fs::read_to_string(tree.join("docs/final.txt")).unwrap(),
        "draft"
    );
    assert!(!tree.join("draft.txt").exists());
    assert!(!tree.join("final-link.txt").exists());
    assert_eq!(
        std::fs::read_link(tree.join("readme-link")).unwrap(),
        std::path::Path::new("docs/readme.txt")
    );
}

#[test]
fn heavy_output_is_collected_whole() {
    let start = Instant::now();
    let r = run("bigout", &["16"], |b| b);
    assert_eq!(r.outcome, Outcome::Exit(0));
    assert_eq!(r.stdout.len(), 16 << 20);
    assert!(
        r.stdout
            .starts_with("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk\n")
    );
    assert_eq!(r.stderr, "wrote 16 MiB\n");
    // Generous bound: the copy is linear; the interpreter dominates.
    assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
}
