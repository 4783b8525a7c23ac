/* libc qsort (an indirect call per comparison) over pseudo-random records,
 * sorted by two keys, repeated on fresh data. argv[1]: thousands of records.
 * Prints a checksum of the sorted order. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct record {
    uint32_t group;
    int32_t score;
    uint32_t id;
};

static int by_group_then_score(const void *pa, const void *pb) {
    const struct record *a = pa, *b = pb;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

int main(int argc, char **argv) {
    long k = argc > 1 ? atol(argv[1]) : 300;
    if (k < 1) {
        fprintf(stderr, "size must be positive\n");
        return 1;
    }
    size_t n = (size_t)k * 1000;
    struct record *r = malloc(n * sizeof *r);
    if (!r)
        return 1;
    uint32_t seed = 42;
    uint64_t checksum = 0;
    for (int rep = 0; rep < 4; rep++) {
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1664525u + 1013904223u;
            r[i].group = seed >> 24;
            seed = seed * 1664525u + 1013904223u;
            r[i].score = (int32_t)(seed >> 8) - (1 << 23);
            r[i].id = (uint32_t)i;
        }
        qsort(r, n, sizeof *r, by_group_then_score);
        for (size_t i = 0; i < n; i += n / 1000 + 1)
            checksum = checksum * 1000003 + r[i].id;
    }
    printf("%zu records, checksum %llu\n", n, (unsigned long long)checksum);
    free(r);
    return 0;
}
