/* Sandbox escape attempts. The host lays out
 *   ROOT/            preopened as the first directory
 *   ROOT/sub/        a subdirectory
 *   ROOT/host_abs -> /absolute/path/of/OUTSIDE/secret.txt
 *   ROOT/host_rel -> ../outside/secret.txt
 *   OUTSIDE/secret.txt, next to ROOT
 * and the program tries every way out it knows, printing each errno. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "common.h"

static void try_open(int dir, const char *path, int follow) {
    int fd;
    int err = open_at(dir, path, follow, 0, RIGHTS_RO, 0, &fd);
    printf("open %s%s: %s\n", path, follow ? " (follow)" : "", errno_name(err));
    if (err == 0)
        MUST(__wasi_fd_close(fd));
}

static void try_stat(int dir, const char *path) {
    __wasi_filestat_t st;
    printf("stat %s: %s\n", path,
           errno_name(__wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, &st)));
}

int main(void) {
    int root = first_preopen();
    EXPECT(root >= 0);
    put_file(root, "inside.txt", "inside");

    /* Plain paths. */
    try_open(root, "inside.txt", 0);
    try_open(root, "../outside/secret.txt", 0);
    try_open(root, "..", 0);
    try_open(root, "sub/../../outside/secret.txt", 0);
    try_open(root, "sub/../inside.txt", 0);
    try_open(root, "/etc/passwd", 0);
    try_open(root, "/", 0);
    try_open(root, "./../outside", 0);
    try_stat(root, "..");
    try_stat(root, "../outside");

    /* Host-made symlinks pointing out. */
    try_open(root, "host_abs", 1);
    try_open(root, "host_rel", 1);
    try_open(root, "host_abs", 0);
    try_stat(root, "host_rel");
    char target[256];
    __wasi_size_t used;
    memset(target, 0, sizeof target);
    int err = __wasi_path_readlink(root, "host_rel", (uint8_t *)target, sizeof target, &used);
    printf("readlink host_rel: %s \"%.*s\"\n", errno_name(err), (int)used, target);

    /* Guest-made symlinks: absolute targets cannot even be created. */
    SHOW("symlink /etc/passwd", __wasi_path_symlink("/etc/passwd", root, "g_abs"));
    SHOW("symlink ..", __wasi_path_symlink("..", root, "g_up"));
    try_open(root, "g_up/outside/secret.txt", 1);
    try_open(root, "g_up", 1);
    SHOW("symlink sub/../..", __wasi_path_symlink("sub/../..", root, "g_up2"));
    try_open(root, "g_up2", 1);
    /* A chain: c1 -> c2 -> sub/c3 -> ../../outside/secret.txt */
    SHOW("symlink chain c1", __wasi_path_symlink("c2", root, "c1"));
    SHOW("symlink chain c2", __wasi_path_symlink("sub/c3", root, "c2"));
    SHOW("symlink chain c3", __wasi_path_symlink("../../outside/secret.txt", root, "sub/c3"));
    try_open(root, "c1", 1);
    try_stat(root, "c1");
    /* A chain that stays inside works. */
    SHOW("symlink ok1", __wasi_path_symlink("ok2", root, "ok1"));
    SHOW("symlink ok2", __wasi_path_symlink("sub/../inside.txt", root, "ok2"));
    try_open(root, "ok1", 1);
    /* Directory symlink used in the middle of a path. */
    SHOW("symlink updir", __wasi_path_symlink("sub/..", root, "updir"));
    try_open(root, "updir/inside.txt", 0);
    try_open(root, "updir/../outside/secret.txt", 0);
    /* A long chain exceeds the expansion limit. */
    char name[16], next[16];
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof name, "l%d", i);
        snprintf(next, sizeof next, "l%d", i + 1);
        MUST(__wasi_path_symlink(next, root, name));
    }
    put_file(root, "l50", "end of chain");
    try_open(root, "l45", 1);
    try_open(root, "l0", 1);
    SHOW("symlink self", __wasi_path_symlink("self", root, "self"));
    try_open(root, "self", 1);

    /* Every path call refuses to leave. */
    SHOW("mkdir ../evil", __wasi_path_create_directory(root, "../evil"));
    SHOW("mkdir g_up/evil", __wasi_path_create_directory(root, "g_up/evil"));
    SHOW("rmdir ../outside", __wasi_path_remove_directory(root, "../outside"));
    SHOW("unlink ../outside/secret.txt", __wasi_path_unlink_file(root, "../outside/secret.txt"));
    SHOW("unlink host_rel (the link itself)", __wasi_path_unlink_file(root, "host_rel"));
    SHOW("rename inside.txt -> ../stolen", __wasi_path_rename(root, "inside.txt", root, "../stolen"));
    SHOW("rename ../outside/secret.txt -> mine", __wasi_path_rename(root, "../outside/secret.txt", root, "mine"));
    SHOW("link ../outside/secret.txt -> mine", __wasi_path_link(root, 0, "../outside/secret.txt", root, "mine"));
    SHOW("link host_abs (follow) -> mine", __wasi_path_link(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "host_abs", root, "mine"));
    /* Linking the symlink itself is allowed; following the copy is not. */
    SHOW("link host_abs -> mine", __wasi_path_link(root, 0, "host_abs", root, "mine"));
    try_open(root, "mine", 1);
    SHOW("symlink into ../", __wasi_path_symlink("inside.txt", root, "../planted"));
    SHOW("set_times ../outside", __wasi_path_filestat_set_times(root, 0, "../outside", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    int fd;
    SHOW("create ../created", open_at(root, "../created", 0, __WASI_OFLAGS_CREAT, RIGHTS_RW, 0, &fd));
    SHOW("create through g_up", open_at(root, "g_up/created", 1, __WASI_OFLAGS_CREAT, RIGHTS_RW, 0, &fd));

    /* A directory opened from the preopen is a root of its own. */
    int sub;
    MUST(open_at(root, "sub", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &sub));
    try_open(sub, "../inside.txt", 0);
    try_open(sub, "c3", 1);

    /* Through wasi-libc: paths outside every preopen never reach the host. */
    errno = 0;
    int libc_fd = open("/etc/passwd", O_RDONLY);
    printf("libc open /etc/passwd: fd=%d errno=%d\n", libc_fd, errno);
    errno = 0;
    libc_fd = open("../outside/secret.txt", O_RDONLY);
    printf("libc open ../outside/secret.txt: fd=%d errno=%d\n", libc_fd, errno);
    /* No host environment unless granted. */
    const char *home = getenv("HOME");
    printf("getenv(HOME)=%s\n", home ? home : "(unset)");
    return 0;
}
