/* Directory operations: path_create_directory, path_remove_directory,
 * fd_readdir (cookies, a buffer smaller than an entry, long names),
 * path_rename, path_link, path_symlink, path_readlink, path_unlink_file,
 * path_filestat_get, path_filestat_set_times, and path_open's flags. */
#include "common.h"

/* Lists a directory with fd_readdir through a deliberately small buffer,
 * resuming from the last complete entry's cookie. */
static void list(int dirfd, size_t bufsize) {
    uint8_t *buf = malloc(bufsize);
    __wasi_dircookie_t cookie = 0;
    int calls = 0;
    for (;;) {
        __wasi_size_t used;
        MUST(__wasi_fd_readdir(dirfd, buf, bufsize, cookie, &used));
        calls++;
        size_t off = 0;
        int complete = 0;
        while (off + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t d;
            memcpy(&d, buf + off, sizeof d);
            if (off + sizeof d + d.d_namlen > used)
                break; /* truncated entry: resume at its cookie */
            printf("  entry \"%.*s\" type=%u next=%llu\n", (int)d.d_namlen,
                   (const char *)buf + off + sizeof d, d.d_type, (unsigned long long)d.d_next);
            cookie = d.d_next;
            off += sizeof d + d.d_namlen;
            complete++;
        }
        if (used < bufsize)
            break;
        if (complete == 0) {
            /* Not even one entry fits: grow the buffer, as wasi-libc does. */
            printf("  (buffer of %zu too small, growing)\n", bufsize);
            bufsize *= 2;
            buf = realloc(buf, bufsize);
        }
    }
    printf("  listed in %d calls\n", calls);
    free(buf);
}

static void show_stat(const char *label, int dir, int follow, const char *path) {
    __wasi_filestat_t st;
    int err = __wasi_path_filestat_get(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, &st);
    if (err)
        printf("%s: %s\n", label, errno_name(err));
    else
        printf("%s: SUCCESS type=%u size=%llu nlink=%llu\n", label, st.filetype,
               (unsigned long long)st.size, (unsigned long long)st.nlink);
}

int main(void) {
    int dir = first_preopen();
    EXPECT(dir >= 0);

    SHOW("mkdir a", __wasi_path_create_directory(dir, "a"));
    SHOW("mkdir a/b", __wasi_path_create_directory(dir, "a/b"));
    SHOW("mkdir a (exists)", __wasi_path_create_directory(dir, "a"));
    SHOW("mkdir x/y (no parent)", __wasi_path_create_directory(dir, "x/y"));
    SHOW("mkdir c/ (trailing slash)", __wasi_path_create_directory(dir, "c/"));
    put_file(dir, "a/file1", "one");
    put_file(dir, "a/file2", "two!");
    char longname[201];
    memset(longname, 'L', 200);
    longname[200] = 0;
    char longpath[260];
    snprintf(longpath, sizeof longpath, "a/%s", longname);
    put_file(dir, longpath, "long");

    int a;
    MUST(open_at(dir, "a", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &a));
    __wasi_fdstat_t fs;
    MUST(__wasi_fd_fdstat_get(a, &fs));
    printf("opened a: type=%u\n", fs.fs_filetype);
    printf("readdir a, 4096-byte buffer:\n");
    list(a, 4096);
    printf("readdir a, 40-byte buffer:\n");
    list(a, 40);
    __wasi_size_t used;
    uint8_t small[8];
    SHOW("readdir cookie past end", __wasi_fd_readdir(a, small, sizeof small, 1000, &used));
    printf("  used=%u\n", (unsigned)used);
    SHOW("readdir cookie 1, 8-byte buffer", __wasi_fd_readdir(a, small, sizeof small, 1, &used));
    printf("  used=%u\n", (unsigned)used);
    SHOW("readdir on a file", __wasi_fd_readdir(1, small, sizeof small, 0, &used));

    /* rename */
    SHOW("rename a/file1 -> a/b/moved", __wasi_path_rename(dir, "a/file1", dir, "a/b/moved"));
    show_stat("stat a/file1", dir, 0, "a/file1");
    show_stat("stat a/b/moved", dir, 0, "a/b/moved");
    SHOW("rename via subdir fd", __wasi_path_rename(a, "b/moved", dir, "moved2"));
    SHOW("rename missing", __wasi_path_rename(dir, "nope", dir, "nope2"));
    SHOW("rename dir a/b -> c (empty dir replaced)", __wasi_path_rename(dir, "a/b", dir, "c"));
    SHOW("rename file/ (trailing slash)", __wasi_path_rename(dir, "moved2/", dir, "m3"));

    /* hard links */
    SHOW("link moved2 -> hard", __wasi_path_link(dir, 0, "moved2", dir, "hard"));
    show_stat("stat hard", dir, 0, "hard");
    SHOW("link to existing", __wasi_path_link(dir, 0, "moved2", dir, "hard"));
    SHOW("link a directory", __wasi_path_link(dir, 0, "a", dir, "alink"));
    SHOW("link with SYMLINK_FOLLOW", __wasi_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "moved2", dir, "h2"));
    SHOW("link to new/ (trailing slash)", __wasi_path_link(dir, 0, "moved2", dir, "new/"));

    /* symlinks */
    SHOW("symlink moved2 <- sym", __wasi_path_symlink("moved2", dir, "sym"));
    SHOW("symlink dangling", __wasi_path_symlink("does/not/exist", dir, "dangling"));
    SHOW("symlink existing name", __wasi_path_symlink("x", dir, "sym"));
    SHOW("symlink to new/ (trailing slash)", __wasi_path_symlink("x", dir, "new/"));
    SHOW("symlink to dir/ (exists)", __wasi_path_symlink("x", dir, "c/"));
    SHOW("symlink to file/ (exists)", __wasi_path_symlink("x", dir, "moved2/"));
    char target[64];
    memset(target, 0, sizeof target);
    SHOW("readlink sym", __wasi_path_readlink(dir, "sym", (uint8_t *)target, sizeof target, &used));
    printf("  target=\"%.*s\" used=%u\n", (int)used, target, (unsigned)used);
    memset(target, 0, sizeof target);
    SHOW("readlink truncated", __wasi_path_readlink(dir, "sym", (uint8_t *)target, 3, &used));
    printf("  target=\"%.*s\" used=%u\n", (int)used, target, (unsigned)used);
    SHOW("readlink a file", __wasi_path_readlink(dir, "moved2", (uint8_t *)target, sizeof target, &used));
    show_stat("stat sym nofollow", dir, 0, "sym");
    show_stat("stat sym follow", dir, 1, "sym");
    show_stat("stat dangling follow", dir, 1, "dangling");
    int fd;
    SHOW("open sym nofollow", open_at(dir, "sym", 0, 0, RIGHTS_RO, 0, &fd));
    SHOW("open sym follow", open_at(dir, "sym", 1, 0, RIGHTS_RO, 0, &fd));
    char buf[16] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    MUST(__wasi_fd_read(fd, &iov, 1, &used));
    printf("  read through symlink: \"%s\"\n", buf);
    MUST(__wasi_fd_close(fd));
    SHOW("symlink to dir", __wasi_path_symlink("a", dir, "adir"));
    show_stat("stat adir/file2 (through link)", dir, 0, "adir/file2");
    SHOW("open dangling with creat+follow", open_at(dir, "dangling", 1, __WASI_OFLAGS_CREAT, RIGHTS_RW, 0, &fd));
    SHOW("symlink loop1", __wasi_path_symlink("loop2", dir, "loop1"));
    SHOW("symlink loop2", __wasi_path_symlink("loop1", dir, "loop2"));
    SHOW("open loop follow", open_at(dir, "loop1", 1, 0, RIGHTS_RO, 0, &fd));

    /* path_open flags */
    SHOW("open missing", open_at(dir, "missing", 0, 0, RIGHTS_RO, 0, &fd));
    SHOW("open creat+excl existing", open_at(dir, "moved2", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RIGHTS_RW, 0, &fd));
    SHOW("open directory flag on file", open_at(dir, "moved2", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_RO, 0, &fd));
    SHOW("open file/ (trailing slash)", open_at(dir, "moved2/", 0, 0, RIGHTS_RO, 0, &fd));
    SHOW("open directory+creat", open_at(dir, "newdir", 0, __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_CREAT, RIGHTS_RO, 0, &fd));
    SHOW("open dir for writing", open_at(dir, "a", 0, 0, RIGHTS_RW, 0, &fd));
    SHOW("open with sync flag", open_at(dir, "moved2", 0, 0, RIGHTS_RW, __WASI_FDFLAGS_SYNC, &fd));
    SHOW("open relative to a file", open_at(1, "x", 0, 0, RIGHTS_RO, 0, &fd));
    SHOW("open trunc", open_at(dir, "moved2", 0, __WASI_OFLAGS_TRUNC, RIGHTS_RW, 0, &fd));
    show_stat("  stat after trunc", dir, 0, "moved2");
    MUST(__wasi_fd_close(fd));
    SHOW("open append", open_at(dir, "moved2", 0, 0, RIGHTS_RW, __WASI_FDFLAGS_APPEND, &fd));
    __wasi_ciovec_t w = {(const uint8_t *)"abc", 3};
    MUST(__wasi_fd_write(fd, &w, 1, &used));
    MUST(__wasi_fd_write(fd, &w, 1, &used));
    MUST(__wasi_fd_fdstat_get(fd, &fs));
    printf("  append flag=%d\n", (fs.fs_flags & __WASI_FDFLAGS_APPEND) != 0);
    MUST(__wasi_fd_close(fd));
    show_stat("  stat after appends", dir, 0, "moved2");
    SHOW("open . as directory", open_at(dir, ".", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &fd));
    MUST(__wasi_fd_close(fd));

    /* timestamps */
    SHOW("set_times atim+mtim", __wasi_path_filestat_set_times(dir, 0, "moved2", 1000000000ull * 1000000000ull,
                                                                 2000000000ull * 1000000000ull + 5,
                                                                 __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    __wasi_filestat_t st;
    MUST(__wasi_path_filestat_get(dir, 0, "moved2", &st));
    printf("  atim=%llu mtim=%llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
    SHOW("set_times atim+atim_now", __wasi_path_filestat_set_times(dir, 0, "moved2", 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    SHOW("set_times missing", __wasi_path_filestat_set_times(dir, 0, "missing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));

    /* removal */
    SHOW("rmdir non-empty a", __wasi_path_remove_directory(dir, "a"));
    SHOW("rmdir a file", __wasi_path_remove_directory(dir, "moved2"));
    SHOW("unlink a directory", __wasi_path_unlink_file(dir, "c"));
    SHOW("unlink file/ (trailing slash)", __wasi_path_unlink_file(dir, "moved2/"));
    SHOW("unlink hard", __wasi_path_unlink_file(dir, "hard"));
    show_stat("stat moved2 nlink", dir, 0, "moved2");
    SHOW("unlink sym (the link only)", __wasi_path_unlink_file(dir, "sym"));
    show_stat("stat moved2 still there", dir, 0, "moved2");
    SHOW("unlink missing", __wasi_path_unlink_file(dir, "missing"));
    SHOW("rmdir c", __wasi_path_remove_directory(dir, "c"));
    SHOW("rmdir c again", __wasi_path_remove_directory(dir, "c"));
    SHOW("rmdir .", __wasi_path_remove_directory(dir, "."));
    SHOW("path op on stdout", __wasi_path_create_directory(1, "z"));
    SHOW("path with bad utf-8", __wasi_path_create_directory(dir, "bad\xff"));
    SHOW("empty path", __wasi_path_create_directory(dir, ""));
    printf("final listing:\n");
    int top;
    MUST(open_at(dir, ".", 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &top));
    list(top, 256);
    return 0;
}
