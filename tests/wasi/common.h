/* Helpers shared by the WASI test programs: errno names and checks that
 * print what they observed, one line each, so the output can be compared
 * with expectations written from the WASI specification. */
#ifndef ZWASM_WASI_TEST_COMMON_H
#define ZWASM_WASI_TEST_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static const char *const ERRNO_NAMES[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT",
    "AGAIN", "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD",
    "CONNABORTED", "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM",
    "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ",
    "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE",
    "MLINK", "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET",
    "NETUNREACH", "NFILE", "NOBUFS", "NODEV", "NOENT", "NOEXEC", "NOLCK",
    "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS", "NOTCONN",
    "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY",
    "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO",
    "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
};

static inline const char *errno_name(int e) {
    if (e >= 0 && e < (int)(sizeof ERRNO_NAMES / sizeof ERRNO_NAMES[0]))
        return ERRNO_NAMES[e];
    return "?";
}

/* Prints "label: NAME" for a WASI call's result. */
#define SHOW(label, call) printf("%s: %s\n", (label), errno_name((int)(call)))

/* Aborts the program (exit 1) if a call that must succeed fails. */
#define MUST(call)                                                            \
    do {                                                                      \
        int must_err_ = (int)(call);                                          \
        if (must_err_ != 0) {                                                 \
            printf("FAILED %s:%d %s -> %s\n", __FILE__, __LINE__, #call,       \
                   errno_name(must_err_));                                    \
            exit(1);                                                          \
        }                                                                     \
    } while (0)

#define EXPECT(cond)                                                          \
    do {                                                                      \
        if (!(cond)) {                                                        \
            printf("FAILED %s:%d %s\n", __FILE__, __LINE__, #cond);           \
            exit(1);                                                          \
        }                                                                     \
    } while (0)

/* Rights asked for when opening files for reading and writing. */
#define RIGHTS_RW                                                             \
    (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |  \
     __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET |                  \
     __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_ADVISE |           \
     __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_SYNC |                      \
     __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS |        \
     __WASI_RIGHTS_FD_FILESTAT_SET_TIMES)
#define RIGHTS_RO (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)
#define RIGHTS_DIR (__WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READ)

/* The first preopened directory (usually fd 3), or -1. */
static inline int first_preopen(void) {
    for (int fd = 3; fd < 64; fd++) {
        __wasi_prestat_t st;
        if (__wasi_fd_prestat_get(fd, &st) == 0 && st.tag == __WASI_PREOPENTYPE_DIR)
            return fd;
    }
    return -1;
}

/* Opens `path` under `dir` with the given flags; returns the errno. */
static inline int open_at(int dir, const char *path, int follow, int oflags,
                   uint64_t rights, int fdflags, int *out) {
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    int err = __wasi_path_open(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0,
                               path, oflags, rights, rights, fdflags, &fd);
    *out = (int)fd;
    return err;
}

/* Writes a whole string to a fresh file `path` under `dir`. */
static inline void put_file(int dir, const char *path, const char *text) {
    int fd;
    MUST(open_at(dir, path, 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_RW, 0, &fd));
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    __wasi_size_t n;
    MUST(__wasi_fd_write(fd, &iov, 1, &n));
    EXPECT(n == strlen(text));
    MUST(__wasi_fd_close(fd));
}

#endif
