/* Descriptor I/O: fd_read/write/seek/tell/pread/pwrite/advise/allocate/
 * sync/datasync/fdstat_get/fdstat_set_flags/fdstat_set_rights/
 * filestat_get/filestat_set_size/filestat_set_times/renumber/close, and
 * the preopen queries. Needs one preopened, writable directory. */
#include "common.h"

static void show_read(const char *label, int fd, size_t max) {
    char buf[64];
    memset(buf, 0, sizeof buf);
    __wasi_iovec_t iov = {(uint8_t *)buf, max};
    __wasi_size_t n = 0;
    int err = __wasi_fd_read(fd, &iov, 1, &n);
    printf("%s: %s n=%u data=\"%s\"\n", label, errno_name(err), (unsigned)n, buf);
}

static void show_tell(const char *label, int fd) {
    __wasi_filesize_t pos = 0;
    int err = __wasi_fd_tell(fd, &pos);
    printf("%s: %s pos=%llu\n", label, errno_name(err), (unsigned long long)pos);
}

static void show_size(const char *label, int fd) {
    __wasi_filestat_t st;
    int err = __wasi_fd_filestat_get(fd, &st);
    printf("%s: %s type=%u size=%llu nlink=%llu\n", label, errno_name(err), st.filetype,
           (unsigned long long)st.size, (unsigned long long)st.nlink);
}

int main(void) {
    int dir = first_preopen();
    EXPECT(dir >= 0);
    __wasi_prestat_t pre;
    MUST(__wasi_fd_prestat_get(dir, &pre));
    char name[64];
    memset(name, 0, sizeof name);
    MUST(__wasi_fd_prestat_dir_name(dir, (uint8_t *)name, pre.u.dir.pr_name_len));
    printf("preopen fd=%d name=\"%s\" len=%u\n", dir, name, (unsigned)pre.u.dir.pr_name_len);
    SHOW("prestat_dir_name(too short)", __wasi_fd_prestat_dir_name(dir, (uint8_t *)name, pre.u.dir.pr_name_len - 1));
    SHOW("prestat_get(stdout)", __wasi_fd_prestat_get(1, &pre));
    SHOW("prestat_get(closed)", __wasi_fd_prestat_get(99, &pre));

    /* stdio descriptors */
    __wasi_fdstat_t fs;
    for (int fd = 0; fd < 3; fd++) {
        MUST(__wasi_fd_fdstat_get(fd, &fs));
        printf("fdstat(%d): read=%d write=%d\n", fd,
               (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0,
               (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);
    }
    MUST(__wasi_fd_fdstat_get(dir, &fs));
    printf("fdstat(preopen): type=%u path_open=%d readdir=%d\n", fs.fs_filetype,
           (fs.fs_rights_base & __WASI_RIGHTS_PATH_OPEN) != 0,
           (fs.fs_rights_base & __WASI_RIGHTS_FD_READDIR) != 0);

    /* write, then read back through a second descriptor */
    int fd;
    MUST(open_at(dir, "data.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_RW, 0, &fd));
    printf("opened data.txt as fd %d\n", fd);
    const char *parts[] = {"hello", ", ", "world"};
    __wasi_ciovec_t iovs[3];
    for (int i = 0; i < 3; i++)
        iovs[i] = (__wasi_ciovec_t){(const uint8_t *)parts[i], strlen(parts[i])};
    __wasi_size_t n;
    MUST(__wasi_fd_write(fd, iovs, 3, &n));
    printf("fd_write 3 iovecs: n=%u\n", (unsigned)n);
    show_tell("tell after write", fd);
    show_size("filestat after write", fd);
    MUST(__wasi_fd_fdstat_get(fd, &fs));
    printf("fdstat(file): type=%u flags=%u read=%d write=%d\n", fs.fs_filetype, fs.fs_flags,
           (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0,
           (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);

    __wasi_filesize_t pos;
    SHOW("seek set 7", __wasi_fd_seek(fd, 7, __WASI_WHENCE_SET, &pos));
    show_read("read 3", fd, 3);
    show_tell("tell", fd);
    SHOW("seek cur -4", __wasi_fd_seek(fd, -4, __WASI_WHENCE_CUR, &pos));
    printf("  pos=%llu\n", (unsigned long long)pos);
    SHOW("seek end -2", __wasi_fd_seek(fd, -2, __WASI_WHENCE_END, &pos));
    printf("  pos=%llu\n", (unsigned long long)pos);
    show_read("read rest", fd, 10);
    show_read("read at eof", fd, 10);
    SHOW("seek before start", __wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &pos));
    SHOW("seek past end", __wasi_fd_seek(fd, 20, __WASI_WHENCE_SET, &pos));
    MUST(__wasi_fd_write(fd, iovs, 1, &n));
    show_size("size after write past end", fd);

    /* scatter read over several iovecs */
    char a[4] = {0}, b[8] = {0};
    __wasi_iovec_t riov[2] = {{(uint8_t *)a, 3}, {(uint8_t *)b, 7}};
    MUST(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    MUST(__wasi_fd_read(fd, riov, 2, &n));
    printf("scatter read: n=%u a=\"%s\" b=\"%s\"\n", (unsigned)n, a, b);

    /* positional I/O leaves the offset alone */
    show_tell("tell before pread", fd);
    char pb[8] = {0};
    __wasi_iovec_t piov = {(uint8_t *)pb, 5};
    SHOW("pread @7", __wasi_fd_pread(fd, &piov, 1, 7, &n));
    printf("  n=%u data=\"%s\"\n", (unsigned)n, pb);
    __wasi_ciovec_t wiov = {(const uint8_t *)"HELLO", 5};
    SHOW("pwrite @0", __wasi_fd_pwrite(fd, &wiov, 1, 0, &n));
    show_tell("tell after pread/pwrite", fd);
    MUST(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    show_read("read start", fd, 12);

    SHOW("advise sequential", __wasi_fd_advise(fd, 0, 100, __WASI_ADVICE_SEQUENTIAL));
    SHOW("allocate 0..4096", __wasi_fd_allocate(fd, 0, 4096));
    show_size("size after allocate", fd);
    SHOW("set_size 5", __wasi_fd_filestat_set_size(fd, 5));
    show_size("size after set_size", fd);
    SHOW("sync", __wasi_fd_sync(fd));
    SHOW("datasync", __wasi_fd_datasync(fd));
    SHOW("set_times mtim", __wasi_fd_filestat_set_times(fd, 0, 1000000000000000000ull, __WASI_FSTFLAGS_MTIM));
    __wasi_filestat_t st;
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("  mtim=%llu\n", (unsigned long long)st.mtim);
    SHOW("set_times mtim+now", __wasi_fd_filestat_set_times(fd, 0, 1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));

    /* append mode */
    SHOW("set_flags append", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    MUST(__wasi_fd_fdstat_get(fd, &fs));
    printf("  append flag=%d\n", (fs.fs_flags & __WASI_FDFLAGS_APPEND) != 0);
    MUST(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    __wasi_ciovec_t tail = {(const uint8_t *)"+tail", 5};
    MUST(__wasi_fd_write(fd, &tail, 1, &n));
    show_tell("tell after append", fd);
    SHOW("set_flags sync", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
    SHOW("set_flags none", __wasi_fd_fdstat_set_flags(fd, 0));
    MUST(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    show_read("read all", fd, 20);

    /* a read-only descriptor cannot write */
    int ro;
    MUST(open_at(dir, "data.txt", 0, 0, RIGHTS_RO, 0, &ro));
    SHOW("write to read-only fd", __wasi_fd_write(ro, &tail, 1, &n));
    show_read("read via read-only fd", ro, 20);

    /* renumber: ro takes fd's number, fd's file is closed */
    int before = fd;
    SHOW("renumber", __wasi_fd_renumber(ro, fd));
    show_tell("tell on renumbered fd", before);
    show_read("read renumbered", before, 4);
    SHOW("read old number", __wasi_fd_read(ro, riov, 1, &n));
    SHOW("renumber closed", __wasi_fd_renumber(ro, fd));
    SHOW("set_rights", __wasi_fd_fdstat_set_rights(before, RIGHTS_RO, 0));
    SHOW("close", __wasi_fd_close(before));
    SHOW("close again", __wasi_fd_close(before));

    /* wrong kinds of descriptors */
    SHOW("seek stdout", __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos));
    SHOW("tell stdin", __wasi_fd_tell(0, &pos));
    SHOW("pread stdin", __wasi_fd_pread(0, &piov, 1, 0, &n));
    SHOW("pwrite stdout", __wasi_fd_pwrite(1, &wiov, 1, 0, &n));
    SHOW("read directory", __wasi_fd_read(dir, &piov, 1, &n));
    SHOW("write directory", __wasi_fd_write(dir, &wiov, 1, &n));
    SHOW("seek directory", __wasi_fd_seek(dir, 0, __WASI_WHENCE_SET, &pos));
    SHOW("sync stdout", __wasi_fd_sync(1));
    SHOW("allocate stdout", __wasi_fd_allocate(1, 0, 1));
    SHOW("set_size directory", __wasi_fd_filestat_set_size(dir, 0));
    SHOW("set_flags stdout", __wasi_fd_fdstat_set_flags(1, 0));
    SHOW("set_rights stdout", __wasi_fd_fdstat_set_rights(1, 0, 0));
    SHOW("write closed fd", __wasi_fd_write(42, &wiov, 1, &n));
    SHOW("fdstat closed fd", __wasi_fd_fdstat_get(42, &fs));

    /* fd_write to stdout and stderr */
    __wasi_ciovec_t msg[2] = {{(const uint8_t *)"to ", 3}, {(const uint8_t *)"stderr\n", 7}};
    fflush(stdout);
    MUST(__wasi_fd_write(2, msg, 2, &n));
    printf("stderr write n=%u\n", (unsigned)n);
    return 0;
}
