/* A small "real" program using wasi-libc's POSIX layer only: builds a
 * tree, walks it recursively (sorted), reads and writes files, renames,
 * links, sleeps on a clock, reads the clock and random bytes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static long walk(const char *path, int depth) {
    DIR *d = opendir(path);
    if (!d) {
        printf("opendir %s failed: %s\n", path, strerror(errno));
        exit(1);
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    long total = 0;
    for (int i = 0; i < n; i++) {
        char child[512];
        snprintf(child, sizeof child, "%s/%s", path, names[i]);
        struct stat st;
        if (lstat(child, &st) != 0) {
            printf("lstat %s failed\n", child);
            exit(1);
        }
        printf("%*s%s%s", depth * 2, "", names[i], S_ISDIR(st.st_mode) ? "/" : "");
        if (S_ISREG(st.st_mode)) {
            printf(" (%lld bytes, %lu links)", (long long)st.st_size, (unsigned long)st.st_nlink);
            total += st.st_size;
        }
        if (S_ISLNK(st.st_mode)) {
            char target[256];
            ssize_t len = readlink(child, target, sizeof target - 1);
            target[len < 0 ? 0 : len] = 0;
            printf(" -> %s", target);
        }
        printf("\n");
        if (S_ISDIR(st.st_mode))
            total += walk(child, depth + 1);
        free(names[i]);
    }
    return total;
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) {
        printf("fopen %s failed: %s\n", path, strerror(errno));
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

int main(int argc, char **argv) {
    const char *root = argc > 1 ? argv[1] : ".";
    if (chdir(root) != 0) {
        printf("chdir %s failed: %s\n", root, strerror(errno));
        return 1;
    }
    mkdir("tree", 0755);
    mkdir("tree/src", 0755);
    mkdir("tree/src/deep", 0755);
    mkdir("tree/docs", 0755);
    write_file("tree/src/main.c", "int main(void) { return 0; }\n");
    write_file("tree/src/deep/data.bin", "0123456789");
    write_file("tree/docs/readme.txt", "hello from wasm\n");
    write_file("tree/draft.txt", "draft");
    if (rename("tree/draft.txt", "tree/docs/final.txt") != 0)
        printf("rename failed: %s\n", strerror(errno));
    if (link("tree/docs/final.txt", "tree/final-link.txt") != 0)
        printf("link failed: %s\n", strerror(errno));
    if (symlink("docs/readme.txt", "tree/readme-link") != 0)
        printf("symlink failed: %s\n", strerror(errno));

    /* Append and read back through stdio. */
    FILE *f = fopen("tree/docs/readme.txt", "a");
    fputs("second line\n", f);
    fclose(f);
    f = fopen("tree/readme-link", "r");
    char line[64];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        printf("readme line %d: %s", ++lines, line);
    }
    fclose(f);

    long total = walk("tree", 0);
    printf("total bytes: %ld\n", total);

    struct timespec t0, t1, res;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct timespec nap = {0, 30 * 1000 * 1000};
    nanosleep(&nap, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("slept at least 30ms: %s\n", ms >= 30 ? "yes" : "no");
    clock_getres(CLOCK_REALTIME, &res);
    printf("realtime resolution positive: %s\n", (res.tv_sec > 0 || res.tv_nsec > 0) ? "yes" : "no");
    time_t now = time(NULL);
    printf("year after 2020: %s\n", now > 1577836800 ? "yes" : "no");

    unsigned char rnd[16] = {0};
    if (getentropy(rnd, sizeof rnd) != 0)
        printf("getentropy failed\n");
    int nonzero = 0;
    for (int i = 0; i < 16; i++)
        nonzero |= rnd[i];
    printf("random bytes nonzero: %s\n", nonzero ? "yes" : "no");

    /* Clean up part of the tree, leave the rest for the host to check. */
    if (unlink("tree/final-link.txt") != 0)
        printf("unlink failed: %s\n", strerror(errno));
    if (rmdir("tree/src") == 0 || errno != ENOTEMPTY)
        printf("rmdir of a non-empty directory did not fail with ENOTEMPTY\n");
    printf("done\n");
    return 0;
}
