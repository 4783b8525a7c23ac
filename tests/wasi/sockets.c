/* sock_accept / sock_recv / sock_send / sock_shutdown.
 * `sockets.wasm` (no argument): no socket was handed in; every call must
 * fail with the proper errno. `sockets.wasm serve`: fd 3 is a listening
 * socket (like `wasmtime run --tcplisten`); accept one connection, read a
 * line, answer it upper-cased, shut down. */
#include <ctype.h>
#include "common.h"

int main(int argc, char **argv) {
    __wasi_fd_t conn;
    __wasi_size_t n;
    __wasi_roflags_t roflags;
    char buf[128];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};

    if (argc < 2) {
        SHOW("accept stdin", __wasi_sock_accept(0, 0, &conn));
        SHOW("accept closed fd", __wasi_sock_accept(3, 0, &conn));
        SHOW("recv stdin", __wasi_sock_recv(0, &iov, 1, 0, &n, &roflags));
        SHOW("send stdout", __wasi_sock_send(1, &ciov, 1, 0, &n));
        SHOW("send closed fd", __wasi_sock_send(9, &ciov, 1, 0, &n));
        SHOW("shutdown stderr", __wasi_sock_shutdown(2, __WASI_SDFLAGS_WR));
        SHOW("shutdown closed fd", __wasi_sock_shutdown(9, __WASI_SDFLAGS_WR));
        return 0;
    }

    __wasi_fdstat_t fs;
    MUST(__wasi_fd_fdstat_get(3, &fs));
    printf("fd 3 type=%u\n", fs.fs_filetype);
    SHOW("recv on listener", __wasi_sock_recv(3, &iov, 1, 0, &n, &roflags));
    SHOW("accept bad flags", __wasi_sock_accept(3, __WASI_FDFLAGS_APPEND, &conn));
    MUST(__wasi_sock_accept(3, 0, &conn));
    printf("accepted fd %u\n", conn);
    MUST(__wasi_fd_fdstat_get(conn, &fs));
    printf("conn type=%u\n", fs.fs_filetype);
    /* Peek first: the data stays queued. */
    memset(buf, 0, sizeof buf);
    MUST(__wasi_sock_recv(conn, &iov, 1, __WASI_RIFLAGS_RECV_PEEK, &n, &roflags));
    size_t got = 0;
    while (got < sizeof buf - 1 && !memchr(buf, '\n', got)) {
        __wasi_iovec_t rest = {(uint8_t *)buf + got, sizeof buf - 1 - got};
        MUST(__wasi_sock_recv(conn, &rest, 1, 0, &n, &roflags));
        if (n == 0)
            break;
        got += n;
    }
    buf[got] = 0;
    printf("received \"%.*s\"\n", (int)strcspn(buf, "\n"), buf);
    for (size_t i = 0; i < got; i++)
        buf[i] = toupper((unsigned char)buf[i]);
    __wasi_ciovec_t reply[2] = {{(const uint8_t *)"echo: ", 6}, {(const uint8_t *)buf, got}};
    MUST(__wasi_sock_send(conn, reply, 2, 0, &n));
    printf("sent %u bytes\n", (unsigned)n);
    SHOW("shutdown bad how", __wasi_sock_shutdown(conn, 0));
    SHOW("shutdown write", __wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR));
    SHOW("close", __wasi_fd_close(conn));
    return 0;
}
