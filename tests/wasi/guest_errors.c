/* Calls that no errno answers: a bad guest pointer (outside memory or
 * misaligned) or an undefined enum or flags value. As in wasmtime, the call
 * does not return: the run ends with an error (exit status 1 from
 * `zwasm run` and `wasmtime run`). `guest_errors PROBE` makes one such call;
 * it prints "probe PROBE" first (flushed, so it survives the abort) and, if
 * the call does return, its errno. The last probes return on purpose. */
#include "common.h"

__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_seek")))
int32_t raw_fd_seek(int32_t fd, int64_t offset, int32_t whence, int32_t result);

#define BAD ((uintptr_t)0xfffffff0u)

int main(int argc, char **argv) {
    if (argc != 2) {
        printf("usage: guest_errors PROBE\n");
        return 2;
    }
    const char *probe = argv[1];
    printf("probe %s\n", probe);
    fflush(stdout);

    static __wasi_timestamp_t t[2];
    static __wasi_size_t n;
    static __wasi_filesize_t pos;
    static __wasi_event_t ev[1];
    static char buf[64];
    int err = -1;
#define PROBE(name, call)                                                     \
    else if (strcmp(probe, name) == 0) err = (int)(call)
    if (0) {
    }
    /* undefined enum and flags values: checked before the descriptor */
    PROBE("clock_id", __wasi_clock_time_get(4, 0, &t[0]));
    PROBE("clock_res_id", __wasi_clock_res_get(99, &t[0]));
    PROBE("whence", __wasi_fd_seek(1, 0, 7, &pos));
    PROBE("whence_wide", raw_fd_seek(1, 0, 0x107, (int32_t)(uintptr_t)&pos));
    PROBE("advice", __wasi_fd_advise(42, 0, 100, 9));
    PROBE("fdflags", __wasi_fd_fdstat_set_flags(1, 0x20));
    PROBE("lookupflags", __wasi_path_filestat_get(42, 2, "x", (__wasi_filestat_t *)buf));
    PROBE("rights", __wasi_fd_fdstat_set_rights(1, 1ull << 40, 0));
    /* bad pointers */
    PROBE("args_get", __wasi_args_get((uint8_t **)BAD, (uint8_t *)buf));
    PROBE("clock_result", __wasi_clock_time_get(0, 0, (__wasi_timestamp_t *)0xfffffffcu));
    PROBE("misaligned_result", __wasi_clock_time_get(0, 0, (__wasi_timestamp_t *)((char *)t + 4)));
    PROBE("iovec", __wasi_fd_write(1, (const __wasi_ciovec_t *)0xfffffff8u, 1, &n));
    /* (a short buffer: wasmtime answers ENOMEM for one of gigabytes) */
    PROBE("buffer", __wasi_fd_write(1, &(__wasi_ciovec_t){(const uint8_t *)BAD, 16}, 1, &n));
    PROBE("fdstat_result", __wasi_fd_fdstat_get(1, (__wasi_fdstat_t *)BAD));
    PROBE("random", __wasi_random_get((uint8_t *)BAD, 64));
    PROBE("poll", __wasi_poll_oneoff((__wasi_subscription_t *)0xffffff00u, ev, 1, &n));
    /* these return: an errno found first, or nothing to access */
    PROBE("badf_before_result", __wasi_fd_fdstat_get(42, (__wasi_fdstat_t *)BAD));
    PROBE("zero_length", __wasi_random_get((uint8_t *)BAD, 0));
    else {
        printf("unknown probe\n");
        return 2;
    }
    printf("%s returned %s\n", probe, errno_name(err));
    return 0;
}
