/* Sieve of Eratosthenes over a byte array, repeated. argv[1]: the limit.
 * Prints the number of primes below it and the sum of the last ten. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPEAT 10

int main(int argc, char **argv) {
    long limit = argc > 1 ? atol(argv[1]) : 10000000;
    if (limit < 2) {
        fprintf(stderr, "limit must be at least 2\n");
        return 1;
    }
    unsigned char *composite = malloc(limit);
    if (!composite)
        return 1;
    long count = 0;
    for (int rep = 0; rep < REPEAT; rep++) {
        memset(composite, 0, limit);
        count = 0;
        for (long i = 2; i < limit; i++) {
            if (composite[i])
                continue;
            count++;
            /* long is 32 bits on wasm32: i * i must not wrap. */
            if ((long long)i * i >= limit)
                continue;
            for (long j = i * i; j < limit; j += i)
                composite[j] = 1;
        }
    }
    unsigned long tail = 0;
    int found = 0;
    for (long i = limit - 1; i >= 2 && found < 10; i--) {
        if (!composite[i]) {
            tail += i;
            found++;
        }
    }
    printf("%ld primes below %ld, last ten sum to %lu\n", count, limit, tail);
    return 0;
}
