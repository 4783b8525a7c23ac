/* clock_res_get, clock_time_get (all four clocks), random_get, sched_yield,
 * proc_raise and poll_oneoff with clock and fd subscriptions. */
#include "common.h"

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int32_t raw_proc_raise(int32_t sig);

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
    s.u.u.clock.precision = 0;
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

int main(void) {
    const char *names[] = {"realtime", "monotonic", "process_cputime", "thread_cputime"};
    for (int id = 0; id < 4; id++) {
        __wasi_timestamp_t res, t;
        int e1 = __wasi_clock_res_get(id, &res);
        int e2 = __wasi_clock_time_get(id, 0, &t);
        printf("clock %s: res_get=%s res>0=%d time_get=%s\n", names[id], errno_name(e1),
               e1 == 0 && res > 0, errno_name(e2));
    }
    uint64_t wall = now(__WASI_CLOCKID_REALTIME);
    printf("realtime after 2020: %d\n", wall > 1577836800ull * 1000000000ull);
    uint64_t a = now(__WASI_CLOCKID_MONOTONIC), b = now(__WASI_CLOCKID_MONOTONIC);
    printf("monotonic non-decreasing: %d\n", b >= a);
    volatile uint64_t spin = 0;
    (void)spin;
    /* Not `now`: wasmtime has no CPU-time clocks, and the rest still runs. */
    __wasi_timestamp_t cpu0 = 0, cpu1 = 0;
    int e0 = __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &cpu0);
    for (int i = 0; i < 2000000; i++)
        spin += i;
    int e1 = __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &cpu1);
    printf("process cputime advances: %s %d\n", errno_name(e0 ? e0 : e1),
           e0 == 0 && e1 == 0 && cpu1 > cpu0);

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
    SHOW("sched_yield", __wasi_sched_yield());
    SHOW("proc_raise(0)", raw_proc_raise(0));

    __wasi_event_t ev[4];
    __wasi_size_t n;

    /* One relative timer of 20 ms. */
    __wasi_subscription_t s1 = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 20000000, 0);
    uint64_t before = now(__WASI_CLOCKID_MONOTONIC);
    SHOW("poll 20ms", __wasi_poll_oneoff(&s1, ev, 1, &n));
    uint64_t waited = now(__WASI_CLOCKID_MONOTONIC) - before;
    printf("  n=%u userdata=%llu type=%u error=%s waited>=20ms=%d\n", (unsigned)n,
           (unsigned long long)ev[0].userdata, ev[0].type, errno_name(ev[0].error),
           waited >= 20000000);

    /* Two timers: only the short one fires. */
    __wasi_subscription_t two[2] = {clock_sub(1, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0),
                                    clock_sub(2, __WASI_CLOCKID_REALTIME, 5000000, 0)};
    SHOW("poll 10s+5ms", __wasi_poll_oneoff(two, ev, 2, &n));
    printf("  n=%u userdata=%llu\n", (unsigned)n, (unsigned long long)ev[0].userdata);

    /* Absolute deadline on the monotonic clock, 10 ms ahead. */
    __wasi_subscription_t abs =
        clock_sub(3, __WASI_CLOCKID_MONOTONIC, now(__WASI_CLOCKID_MONOTONIC) + 10000000, 1);
    before = now(__WASI_CLOCKID_MONOTONIC);
    SHOW("poll absolute", __wasi_poll_oneoff(&abs, ev, 1, &n));
    printf("  n=%u userdata=%llu reached=%d\n", (unsigned)n, (unsigned long long)ev[0].userdata,
           now(__WASI_CLOCKID_MONOTONIC) >= abs.u.u.clock.timeout);
    /* An absolute deadline in the past fires at once. */
    __wasi_subscription_t past = clock_sub(4, __WASI_CLOCKID_REALTIME, 1, 1);
    SHOW("poll past deadline", __wasi_poll_oneoff(&past, ev, 1, &n));
    printf("  n=%u\n", (unsigned)n);

    /* Several at once: stdout is writable now, the 10 s timer is not due. */
    __wasi_subscription_t mix[3] = {clock_sub(10, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0),
                                    fd_sub(11, __WASI_EVENTTYPE_FD_WRITE, 1),
                                    fd_sub(12, __WASI_EVENTTYPE_FD_WRITE, 2)};
    SHOW("poll stdout+stderr+timer", __wasi_poll_oneoff(mix, ev, 3, &n));
    printf("  n=%u", (unsigned)n);
    for (__wasi_size_t i = 0; i < n; i++)
        printf(" [userdata=%llu type=%u]", (unsigned long long)ev[i].userdata, ev[i].type);
    printf("\n");

    /* A file is always readable; its nbytes is what is left to read. */
    int dir = first_preopen();
    if (dir >= 0) {
        put_file(dir, "poll.txt", "0123456789");
        int fd;
        MUST(open_at(dir, "poll.txt", 0, 0, RIGHTS_RO, 0, &fd));
        __wasi_filesize_t pos;
        MUST(__wasi_fd_seek(fd, 4, __WASI_WHENCE_SET, &pos));
        __wasi_subscription_t fr[2] = {fd_sub(20, __WASI_EVENTTYPE_FD_READ, fd),
                                       clock_sub(21, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0)};
        SHOW("poll file read", __wasi_poll_oneoff(fr, ev, 2, &n));
        printf("  n=%u userdata=%llu type=%u nbytes=%llu hangup=%d\n", (unsigned)n,
               (unsigned long long)ev[0].userdata, ev[0].type,
               (unsigned long long)ev[0].fd_readwrite.nbytes,
               ev[0].fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP);
        MUST(__wasi_fd_close(fd));
        __wasi_subscription_t on_dir = fd_sub(22, __WASI_EVENTTYPE_FD_READ, dir);
        SHOW("poll directory", __wasi_poll_oneoff(&on_dir, ev, 1, &n));
    }

    __wasi_subscription_t closed = fd_sub(30, __WASI_EVENTTYPE_FD_READ, 77);
    SHOW("poll closed fd", __wasi_poll_oneoff(&closed, ev, 1, &n));
    SHOW("poll no subscriptions", __wasi_poll_oneoff(&s1, ev, 0, &n));
    __wasi_subscription_t cpu = clock_sub(31, __WASI_CLOCKID_PROCESS_CPUTIME_ID, 1000, 0);
    SHOW("poll cputime clock", __wasi_poll_oneoff(&cpu, ev, 1, &n));
    return 0;
}
