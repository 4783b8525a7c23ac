/* Dense double-precision matrix multiply, i-k-j loop order. argv[1]: n.
 * Prints a checksum of the product. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 600;
    if (n < 1) {
        fprintf(stderr, "n must be positive\n");
        return 1;
    }
    double *a = malloc(sizeof(double) * n * n);
    double *b = malloc(sizeof(double) * n * n);
    double *c = calloc((size_t)n * n, sizeof(double));
    if (!a || !b || !c)
        return 1;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            a[i * n + j] = (double)((i * 7 + j * 3) % 17) / 17.0 - 0.5;
            b[i * n + j] = (double)((i * 5 + j * 11) % 23) / 23.0 - 0.5;
        }
    }
    for (int rep = 0; rep < 2; rep++) {
        for (int i = 0; i < n; i++) {
            double *ci = c + (size_t)i * n;
            for (int k = 0; k < n; k++) {
                double aik = a[i * n + k];
                const double *bk = b + (size_t)k * n;
                for (int j = 0; j < n; j++)
                    ci[j] += aik * bk[j];
            }
        }
    }
    double sum = 0, trace = 0;
    for (int i = 0; i < n; i++) {
        trace += c[i * n + i];
        for (int j = 0; j < n; j++)
            sum += c[i * n + j] * (double)((i + j) % 5 + 1);
    }
    printf("checksum %.6f trace %.6f\n", sum, trace);
    return 0;
}
