/* Open-addressing hash map (linear probing, tombstones, growth) under a
 * mixed insert / lookup / delete workload with pseudo-random 64-bit keys.
 * argv[1]: thousands of operations. Prints a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { EMPTY = 0, FULL = 1, DELETED = 2 };

struct map {
    uint64_t *keys;
    uint64_t *values;
    uint8_t *state;
    size_t cap, len, used;
};

static uint64_t hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

static int map_init(struct map *m, size_t cap) {
    m->keys = calloc(cap, sizeof(uint64_t));
    m->values = calloc(cap, sizeof(uint64_t));
    m->state = calloc(cap, 1);
    m->cap = cap;
    m->len = m->used = 0;
    return m->keys && m->values && m->state;
}

static void map_free(struct map *m) {
    free(m->keys);
    free(m->values);
    free(m->state);
}

static int map_put(struct map *m, uint64_t key, uint64_t value);

static int map_grow(struct map *m) {
    struct map bigger;
    if (!map_init(&bigger, m->cap * 2))
        return 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->state[i] == FULL)
            map_put(&bigger, m->keys[i], m->values[i]);
    map_free(m);
    *m = bigger;
    return 1;
}

static int map_put(struct map *m, uint64_t key, uint64_t value) {
    if ((m->used + 1) * 4 > m->cap * 3 && !map_grow(m))
        return 0;
    size_t mask = m->cap - 1, i = hash(key) & mask, tomb = SIZE_MAX;
    for (;;) {
        if (m->state[i] == EMPTY)
            break;
        if (m->state[i] == DELETED) {
            if (tomb == SIZE_MAX)
                tomb = i;
        } else if (m->keys[i] == key) {
            m->values[i] = value;
            return 1;
        }
        i = (i + 1) & mask;
    }
    if (tomb != SIZE_MAX) {
        i = tomb;
    } else {
        m->used++;
    }
    m->state[i] = FULL;
    m->keys[i] = key;
    m->values[i] = value;
    m->len++;
    return 1;
}

static uint64_t *map_get(struct map *m, uint64_t key) {
    size_t mask = m->cap - 1, i = hash(key) & mask;
    while (m->state[i] != EMPTY) {
        if (m->state[i] == FULL && m->keys[i] == key)
            return &m->values[i];
        i = (i + 1) & mask;
    }
    return NULL;
}

static int map_remove(struct map *m, uint64_t key) {
    size_t mask = m->cap - 1, i = hash(key) & mask;
    while (m->state[i] != EMPTY) {
        if (m->state[i] == FULL && m->keys[i] == key) {
            m->state[i] = DELETED;
            m->len--;
            return 1;
        }
        i = (i + 1) & mask;
    }
    return 0;
}

int main(int argc, char **argv) {
    long kops = argc > 1 ? atol(argv[1]) : 8000;
    if (kops < 0) {
        fprintf(stderr, "size must not be negative\n");
        return 1;
    }
    struct map m;
    if (!map_init(&m, 1024))
        return 1;
    uint64_t x = 0x9e3779b97f4a7c15ULL, checksum = 0, hits = 0;
    long ops = kops * 1000;
    for (long op = 0; op < ops; op++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* A small key space keeps the map at a steady size, so lookups and
         * deletes hit about half the time. */
        uint64_t key = x % 200003;
        switch (x >> 62) {
        case 0:
        case 1:
            if (!map_put(&m, key, x))
                return 1;
            break;
        case 2: {
            uint64_t *v = map_get(&m, key);
            if (v) {
                checksum += *v;
                hits++;
            }
            break;
        }
        default:
            hits += map_remove(&m, key);
            break;
        }
    }
    printf("len %zu cap %zu hits %llu checksum %llu\n", m.len, m.cap,
           (unsigned long long)hits, (unsigned long long)checksum);
    map_free(&m);
    return 0;
}
