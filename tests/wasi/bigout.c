/* Heavy output: writes MEGABYTES (argv[1], default 64) MiB of text to
 * stdout in 64 KiB fwrite calls, then a summary line on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    long mb = argc > 1 ? atol(argv[1]) : 64;
    static char block[65536];
    for (size_t i = 0; i < sizeof block; i++)
        block[i] = (i % 64 == 63) ? '\n' : 'a' + (char)(i % 26);
    long blocks = mb * 16;
    for (long i = 0; i < blocks; i++) {
        if (fwrite(block, 1, sizeof block, stdout) != sizeof block)
            return 1;
    }
    fflush(stdout);
    fprintf(stderr, "wrote %ld MiB\n", mb);
    return 0;
}
