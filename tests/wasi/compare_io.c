/* For compare.py: the descriptor I/O of fdio.c and the clock, random and
 * poll_oneoff checks of clocks.c, minus every call where zwasm differs from
 * wasmtime on purpose (several iovecs per call, the CPU-time clocks,
 * fd_allocate). fdio parts from wasmtime early on those calls, so without
 * this program most of its checks would go uncompared. (Calls that end the
 * run, in both, are probed one at a time by guest_errors.c.)
 * Needs one preopened, writable directory. */
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

static void write_str(int fd, const char *s) {
    __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
    __wasi_size_t n;
    MUST(__wasi_fd_write(fd, &iov, 1, &n));
    EXPECT(n == strlen(s));
}

static uint64_t now(__wasi_clockid_t id) {
    __wasi_timestamp_t t;
    MUST(__wasi_clock_time_get(id, 1, &t));
    return t;
}

static __wasi_subscription_t clock_sub(uint64_t userdata, __wasi_clockid_t id,
                                       uint64_t timeout, int abstime) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = id;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.flags = abstime ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static __wasi_subscription_t fd_sub(uint64_t userdata, int type, int fd) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = type;
    s.u.u.fd_read.file_descriptor = fd;
    return s;
}

static void descriptors(int dir) {
    int fd;
    __wasi_fdstat_t fs;
    __wasi_filesize_t pos;
    __wasi_size_t n;
    MUST(open_at(dir, "data.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_RW, 0, &fd));
    printf("opened data.txt as fd %d\n", fd);
    write_str(fd, "hello, world");
    show_tell("tell after write", fd);
    show_size("filestat after write", fd);
    MUST(__wasi_fd_fdstat_get(fd, &fs));
    printf("fdstat(file): type=%u flags=%u read=%d write=%d\n", fs.fs_filetype, fs.fs_flags,
           (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0,
           (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);

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
    write_str(fd, "hello");
    show_size("size after write past end", fd);

    show_tell("tell before pread", fd);
    char pb[8] = {0};
    __wasi_iovec_t piov = {(uint8_t *)pb, 5};
    SHOW("pread @7", __wasi_fd_pread(fd, &piov, 1, 7, &n));
    printf("  n=%u data=\"%s\"\n", (unsigned)n, pb);
    __wasi_ciovec_t wiov = {(const uint8_t *)"HELLO", 5};
    SHOW("pwrite @0", __wasi_fd_pwrite(fd, &wiov, 1, 0, &n));
    show_tell("tell after pread/pwrite", fd);
    SHOW("pread past end", __wasi_fd_pread(fd, &piov, 1, 1000, &n));
    printf("  n=%u\n", (unsigned)n);
    MUST(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    show_read("read start", fd, 12);

    SHOW("advise sequential", __wasi_fd_advise(fd, 0, 100, __WASI_ADVICE_SEQUENTIAL));
    SHOW("advise dontneed", __wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_DONTNEED));
    SHOW("set_size 4096", __wasi_fd_filestat_set_size(fd, 4096));
    show_size("size after grow", fd);
    SHOW("set_size 5", __wasi_fd_filestat_set_size(fd, 5));
    show_size("size after set_size", fd);
    SHOW("sync", __wasi_fd_sync(fd));
    SHOW("datasync", __wasi_fd_datasync(fd));
    SHOW("set_times mtim", __wasi_fd_filestat_set_times(fd, 0, 1000000000000000000ull, __WASI_FSTFLAGS_MTIM));
    __wasi_filestat_t st;
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("  mtim=%llu\n", (unsigned long long)st.mtim);
    SHOW("set_times atim+mtim", __wasi_fd_filestat_set_times(fd, 3000000000ull, 4000000005ull,
                                                              __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("  atim=%llu mtim=%llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
    SHOW("set_times mtim+now", __wasi_fd_filestat_set_times(fd, 0, 1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
    SHOW("set_times now", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    MUST(__wasi_fd_filestat_get(fd, &st));
    printf("  mtim is recent=%d\n", st.mtim > 1577836800ull * 1000000000ull);

    SHOW("set_flags append", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    MUST(__wasi_fd_fdstat_get(fd, &fs));
    printf("  append flag=%d\n", (fs.fs_flags & __WASI_FDFLAGS_APPEND) != 0);
    MUST(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    write_str(fd, "+tail");
    show_tell("tell after append", fd);
    SHOW("set_flags sync", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
    SHOW("set_flags none", __wasi_fd_fdstat_set_flags(fd, 0));
    MUST(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    show_read("read all", fd, 20);

    int ro;
    MUST(open_at(dir, "data.txt", 0, 0, RIGHTS_RO, 0, &ro));
    SHOW("write to read-only fd", __wasi_fd_write(ro, &wiov, 1, &n));
    SHOW("pwrite to read-only fd", __wasi_fd_pwrite(ro, &wiov, 1, 0, &n));
    show_read("read via read-only fd", ro, 20);

    int before = fd;
    SHOW("renumber", __wasi_fd_renumber(ro, fd));
    show_tell("tell on renumbered fd", before);
    show_read("read renumbered", before, 4);
    SHOW("read old number", __wasi_fd_read(ro, &piov, 1, &n));
    SHOW("renumber closed", __wasi_fd_renumber(ro, fd));
    SHOW("renumber onto itself", __wasi_fd_renumber(before, before));
    SHOW("set_rights", __wasi_fd_fdstat_set_rights(before, RIGHTS_RO, 0));
    SHOW("close", __wasi_fd_close(before));
    SHOW("close again", __wasi_fd_close(before));

    SHOW("seek stdout", __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos));
    SHOW("tell stdin", __wasi_fd_tell(0, &pos));
    SHOW("pread stdin", __wasi_fd_pread(0, &piov, 1, 0, &n));
    SHOW("pwrite stdout", __wasi_fd_pwrite(1, &wiov, 1, 0, &n));
    SHOW("read directory", __wasi_fd_read(dir, &piov, 1, &n));
    SHOW("write directory", __wasi_fd_write(dir, &wiov, 1, &n));
    SHOW("seek directory", __wasi_fd_seek(dir, 0, __WASI_WHENCE_SET, &pos));
    SHOW("sync stdout", __wasi_fd_sync(1));
    SHOW("set_size directory", __wasi_fd_filestat_set_size(dir, 0));
    SHOW("set_flags stdout", __wasi_fd_fdstat_set_flags(1, 0));
    SHOW("set_rights stdout", __wasi_fd_fdstat_set_rights(1, 0, 0));
    SHOW("write closed fd", __wasi_fd_write(42, &wiov, 1, &n));
    SHOW("fdstat closed fd", __wasi_fd_fdstat_get(42, &fs));
    SHOW("filestat closed fd", __wasi_fd_filestat_get(42, &st));
    SHOW("readdir closed fd", __wasi_fd_readdir(42, (uint8_t *)pb, sizeof pb, 0, &n));
}

static void clocks(int dir) {
    __wasi_timestamp_t res;
    SHOW("res realtime", __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res));
    printf("  res>0=%d res<=1s=%d\n", res > 0, res <= 1000000000ull);
    SHOW("res monotonic", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res));
    printf("  res>0=%d res<=1s=%d\n", res > 0, res <= 1000000000ull);
    uint64_t wall = now(__WASI_CLOCKID_REALTIME);
    printf("realtime after 2020: %d\n", wall > 1577836800ull * 1000000000ull);
    uint64_t a = now(__WASI_CLOCKID_MONOTONIC), b = now(__WASI_CLOCKID_MONOTONIC);
    printf("monotonic non-decreasing: %d\n", b >= a);

    uint8_t r1[32], r2[32];
    memset(r1, 0, sizeof r1);
    memset(r2, 0, sizeof r2);
    MUST(__wasi_random_get(r1, sizeof r1));
    MUST(__wasi_random_get(r2, sizeof r2));
    int nonzero = 0;
    for (int i = 0; i < 32; i++)
        nonzero |= r1[i];
    printf("random_get: nonzero=%d differ=%d\n", nonzero != 0, memcmp(r1, r2, 32) != 0);
    SHOW("random_get(0 bytes)", __wasi_random_get(r1, 0));
    static uint8_t big[1 << 16];
    SHOW("random_get(64 KiB)", __wasi_random_get(big, sizeof big));
    SHOW("sched_yield", __wasi_sched_yield());

    __wasi_event_t ev[4];
    __wasi_size_t n;
    __wasi_subscription_t s1 = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 20000000, 0);
    uint64_t before = now(__WASI_CLOCKID_MONOTONIC);
    SHOW("poll 20ms", __wasi_poll_oneoff(&s1, ev, 1, &n));
    uint64_t waited = now(__WASI_CLOCKID_MONOTONIC) - before;
    printf("  n=%u userdata=%llu type=%u error=%s waited>=20ms=%d\n", (unsigned)n,
           (unsigned long long)ev[0].userdata, ev[0].type, errno_name(ev[0].error),
           waited >= 20000000);

    __wasi_subscription_t two[2] = {clock_sub(1, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0),
                                    clock_sub(2, __WASI_CLOCKID_REALTIME, 5000000, 0)};
    SHOW("poll 10s+5ms", __wasi_poll_oneoff(two, ev, 2, &n));
    printf("  n=%u userdata=%llu\n", (unsigned)n, (unsigned long long)ev[0].userdata);

    __wasi_subscription_t abs =
        clock_sub(3, __WASI_CLOCKID_MONOTONIC, now(__WASI_CLOCKID_MONOTONIC) + 10000000, 1);
    SHOW("poll absolute", __wasi_poll_oneoff(&abs, ev, 1, &n));
    printf("  n=%u userdata=%llu reached=%d\n", (unsigned)n, (unsigned long long)ev[0].userdata,
           now(__WASI_CLOCKID_MONOTONIC) >= abs.u.u.clock.timeout);
    __wasi_subscription_t past = clock_sub(4, __WASI_CLOCKID_REALTIME, 1, 1);
    SHOW("poll past deadline", __wasi_poll_oneoff(&past, ev, 1, &n));
    printf("  n=%u\n", (unsigned)n);
    __wasi_subscription_t zero = clock_sub(5, __WASI_CLOCKID_MONOTONIC, 0, 0);
    SHOW("poll zero timeout", __wasi_poll_oneoff(&zero, ev, 1, &n));
    printf("  n=%u userdata=%llu\n", (unsigned)n, (unsigned long long)ev[0].userdata);

    __wasi_subscription_t mix[3] = {clock_sub(10, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0),
                                    fd_sub(11, __WASI_EVENTTYPE_FD_WRITE, 1),
                                    fd_sub(12, __WASI_EVENTTYPE_FD_WRITE, 2)};
    SHOW("poll stdout+stderr+timer", __wasi_poll_oneoff(mix, ev, 3, &n));
    printf("  n=%u", (unsigned)n);
    for (__wasi_size_t i = 0; i < n; i++)
        printf(" [userdata=%llu type=%u error=%s]", (unsigned long long)ev[i].userdata, ev[i].type,
               errno_name(ev[i].error));
    printf("\n");

    put_file(dir, "poll.txt", "0123456789");
    int fd;
    MUST(open_at(dir, "poll.txt", 0, 0, RIGHTS_RO, 0, &fd));
    __wasi_filesize_t pos;
    MUST(__wasi_fd_seek(fd, 4, __WASI_WHENCE_SET, &pos));
    __wasi_subscription_t fr[2] = {fd_sub(20, __WASI_EVENTTYPE_FD_READ, fd),
                                   clock_sub(21, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0)};
    SHOW("poll file read", __wasi_poll_oneoff(fr, ev, 2, &n));
    printf("  n=%u userdata=%llu type=%u error=%s\n", (unsigned)n,
           (unsigned long long)ev[0].userdata, ev[0].type, errno_name(ev[0].error));
    MUST(__wasi_fd_close(fd));

    __wasi_subscription_t closed = fd_sub(30, __WASI_EVENTTYPE_FD_READ, 77);
    SHOW("poll closed fd", __wasi_poll_oneoff(&closed, ev, 1, &n));
    printf("  n=%u userdata=%llu error=%s\n", (unsigned)n, (unsigned long long)ev[0].userdata,
           errno_name(ev[0].error));
    SHOW("poll no subscriptions", __wasi_poll_oneoff(&s1, ev, 0, &n));
}

int main(void) {
    int dir = first_preopen();
    EXPECT(dir >= 0);
    descriptors(dir);
    clocks(dir);
    printf("done\n");
    return 0;
}
