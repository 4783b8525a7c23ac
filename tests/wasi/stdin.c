/* stdin: polls it for reading, reads everything with fd_read, echoes it
 * upper-cased, and reports end-of-file. */
#include <ctype.h>
#include "common.h"

int main(void) {
    __wasi_subscription_t sub;
    memset(&sub, 0, sizeof sub);
    sub.userdata = 5;
    sub.u.tag = __WASI_EVENTTYPE_FD_READ;
    sub.u.u.fd_read.file_descriptor = 0;
    __wasi_event_t ev;
    __wasi_size_t n;
    MUST(__wasi_poll_oneoff(&sub, &ev, 1, &n));
    printf("poll stdin: n=%u userdata=%llu type=%u error=%s\n", (unsigned)n,
           (unsigned long long)ev.userdata, ev.type, errno_name(ev.error));
    static char buf[1 << 16];
    size_t total = 0;
    for (;;) {
        __wasi_iovec_t iov = {(uint8_t *)buf + total, sizeof buf - total};
        MUST(__wasi_fd_read(0, &iov, 1, &n));
        if (n == 0)
            break;
        total += n;
    }
    printf("read %zu bytes\n", total);
    for (size_t i = 0; i < total; i++)
        buf[i] = toupper((unsigned char)buf[i]);
    fwrite(buf, 1, total, stdout);
    __wasi_iovec_t iov = {(uint8_t *)buf, 16};
    SHOW("read at eof", __wasi_fd_read(0, &iov, 1, &n));
    printf("  n=%u\n", (unsigned)n);
    SHOW("write to stdin", __wasi_fd_write(0, (const __wasi_ciovec_t *)&iov, 1, &n));
    return 0;
}
