/* proc_exit: `exit.wasm CODE` exits with CODE through proc_exit,
 * `exit.wasm trap` executes `unreachable`, `exit.wasm return N` returns N
 * from main (wasi-libc turns that into proc_exit too). */
#include "common.h"

int main(int argc, char **argv) {
    if (argc < 2) {
        printf("usage: exit.wasm CODE | trap | return N\n");
        return 2;
    }
    printf("exiting with %s\n", argv[1]);
    fflush(stdout);
    if (strcmp(argv[1], "trap") == 0)
        __builtin_trap();
    if (strcmp(argv[1], "return") == 0 && argc > 2)
        return atoi(argv[2]);
    __wasi_proc_exit((__wasi_exitcode_t)strtoul(argv[1], NULL, 10));
}
