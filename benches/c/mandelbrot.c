/* Mandelbrot set on an n x n grid over [-1.5,0.5] x [-1,1], 50 iterations
 * (Computer Language Benchmarks Game). argv[1]: n. Prints the number of
 * points in the set and a checksum of the bitmap. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 3000;
    if (n < 1) {
        fprintf(stderr, "n must be positive\n");
        return 1;
    }
    long inside = 0;
    uint32_t checksum = 0;
    for (int y = 0; y < n; y++) {
        double ci = 2.0 * y / n - 1.0;
        uint8_t bits = 0;
        int nbits = 0;
        for (int x = 0; x < n; x++) {
            double cr = 2.0 * x / n - 1.5;
            double zr = 0, zi = 0, tr = 0, ti = 0;
            int i = 0;
            for (; i < 50 && tr + ti <= 4.0; i++) {
                zi = 2.0 * zr * zi + ci;
                zr = tr - ti + cr;
                tr = zr * zr;
                ti = zi * zi;
            }
            int in = tr + ti <= 4.0;
            inside += in;
            bits = (uint8_t)(bits << 1 | in);
            if (++nbits == 8 || x == n - 1) {
                checksum = checksum * 31 + bits;
                bits = 0;
                nbits = 0;
            }
        }
    }
    printf("%ld inside, checksum %u\n", inside, checksum);
    return 0;
}
