//! Escape attempts: the sandbox program tries every way out of its
//! preopened directory, and the host checks that nothing outside changed.

mod common;

use std::path::{Path, PathBuf};

use common::{Outcome, TempDir, assert_lines, run};

/// `TMP/root` (preopened) with `sub/`, `host_abs` (absolute symlink out),
/// `host_rel` (relative symlink out), and `TMP/outside/secret.txt`.
fn fixture(tag: &str) -> (TempDir, PathBuf, PathBuf) {
    let tmp = TempDir::new(tag);
    let root = tmp.path().join("root");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("host_abs")).unwrap();
    std::os::unix::fs::symlink("../outside/secret.txt", root.join("host_rel")).unwrap();
    (tmp, root, outside)
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const EXPECTED: &str = r#"open inside.txt: SUCCESS
open ../outside/secret.txt: PERM
open ..: PERM
open sub/../../outside/secret.txt: PERM
open sub/../inside.txt: SUCCESS
open /etc/passwd: PERM
open /: PERM
open ./../outside: PERM
stat ..: PERM
stat ../outside: PERM
open host_abs (follow): PERM
open host_rel (follow): PERM
open host_abs: LOOP
stat host_rel: PERM
readlink host_rel: SUCCESS "../outside/secret.txt"
symlink /etc/passwd: PERM
symlink ..: SUCCESS
open g_up/outside/secret.txt (follow): PERM
open g_up (follow): PERM
symlink sub/../..: SUCCESS
open g_up2 (follow): PERM
symlink chain c1: SUCCESS
symlink chain c2: SUCCESS
symlink chain c3: SUCCESS
open c1 (follow): PERM
stat c1: PERM
symlink ok1: SUCCESS
symlink ok2: SUCCESS
open ok1 (follow): SUCCESS
symlink updir: SUCCESS
open updir/inside.txt: SUCCESS
open updir/../outside/secret.txt: PERM
open l45 (follow): SUCCESS
open l0 (follow): LOOP
symlink self: SUCCESS
open self (follow): LOOP
mkdir ../evil: PERM
mkdir g_up/evil: PERM
rmdir ../outside: PERM
unlink ../outside/secret.txt: PERM
unlink host_rel (the link itself): SUCCESS
rename inside.txt -> ../stolen: PERM
rename ../outside/secret.txt -> mine: PERM
link ../outside/secret.txt -> mine: PERM
link host_abs (follow) -> mine: INVAL
link host_abs -> mine: SUCCESS
open mine (follow): PERM
symlink into ../: PERM
set_times ../outside: PERM
create ../created: PERM
create through g_up: PERM
open ../inside.txt: PERM
open c3 (follow): PERM
"#;

#[test]
fn every_escape_attempt_is_refused() {
    let (tmp, root, outside) = fixture("escape");
    let secret_mtime = std::fs::metadata(outside.join("secret.txt"))
        .unwrap()
        .modified()
        .unwrap();
    let r = run("sandbox", &[], |b| {
        b.preopened_dir(&root, ".").env("VISIBLE", "1")
    });
    assert_eq!(r.outcome, Outcome::Exit(0), "{}", r.stdout);
    // wasi-libc resolves "/etc/passwd" against the "." preopen (ENOENT
    // inside the sandbox) and passes "../outside/..." through (EPERM).
    let expected = format!(
        "{EXPECTED}libc open /etc/passwd: fd=-1 errno=44
libc open ../outside/secret.txt: fd=-1 errno=63
getenv(HOME)=(unset)
"
    );
    assert_lines(&r.stdout, &expected);

    // Nothing outside the root was created, removed or touched.
    assert_eq!(names(tmp.path()), ["outside", "root"]);
    assert_eq!(names(&outside), ["secret.txt"]);
    assert_eq!(
        std::fs::read_to_string(outside.join("secret.txt")).unwrap(),
        "secret"
    );
    assert_eq!(
        std::fs::metadata(outside.join("secret.txt"))
            .unwrap()
            .modified()
            .unwrap(),
        secret_mtime
    );
    // The guest's own symlinks are still there, pointing where it said.
    assert_eq!(
        std::fs::read_link(root.join("g_up")).unwrap(),
        Path::new("..")
    );
    assert!(!root.join("g_abs").exists());
}

#[test]
fn a_root_preopen_maps_absolute_guest_paths_inside() {
    let (_tmp, root, _outside) = fixture("rootmap");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/passwd"), "guest passwd").unwrap();
    let r = run("sandbox", &[], |b| b.preopened_dir(&root, "/"));
    assert_eq!(r.outcome, Outcome::Exit(0), "{}", r.stdout);
    // The libc call now finds the sandbox's own /etc/passwd (fd 4 or
    // higher), never the host's.
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("libc open /etc/passwd"))
        .unwrap();
    assert!(line.ends_with("errno=0"), "{line}");
    assert!(r.stdout.contains("open /etc/passwd: PERM\n"));
}
