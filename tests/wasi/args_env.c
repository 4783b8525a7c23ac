/* args_get / args_sizes_get / environ_get / environ_sizes_get.
 * Prints the arguments and the whole environment as the guest sees them. */
#include "common.h"

extern char **environ;

int main(int argc, char **argv) {
    __wasi_size_t count, size;
    MUST(__wasi_args_sizes_get(&count, &size));
    printf("args_sizes_get: count=%u size=%u\n", (unsigned)count, (unsigned)size);
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);

    MUST(__wasi_environ_sizes_get(&count, &size));
    printf("environ_sizes_get: count=%u size=%u\n", (unsigned)count, (unsigned)size);

    /* The raw calls, into buffers of exactly the announced sizes. */
    char **ptrs = malloc((count + 1) * sizeof *ptrs);
    char *buf = malloc(size + 1);
    MUST(__wasi_environ_get((uint8_t **)ptrs, (uint8_t *)buf));
    for (__wasi_size_t i = 0; i < count; i++)
        printf("environ[%u]=%s\n", (unsigned)i, ptrs[i]);

    const char *home = getenv("HOME");
    printf("getenv(HOME)=%s\n", home ? home : "(unset)");
    const char *path = getenv("PATH");
    printf("getenv(PATH)=%s\n", path ? path : "(unset)");
    int n = 0;
    for (char **e = environ; *e; e++)
        n++;
    printf("libc environ entries=%d\n", n);
    return 0;
}
