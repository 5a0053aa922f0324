/* fuzz_util.c — fixture paths and in-memory files for the fuzz targets. */
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

const char *fuzz_fixture(const char *file)
{
    static char paths[4][4096];
    static int next;
    char *buf = paths[next++ & 3];
    const char *dir = getenv("GHF_FUZZ_DIR");
    const char *fx = getenv("GHF_FIXTURES");
    const char *home = getenv("HOME");
    if (dir && *dir)
        snprintf(buf, 4096, "%s/%s", dir, file);
    else if (fx && *fx)
        snprintf(buf, 4096, "%s/go1.27/stacks/%s", fx, file);
    else
        snprintf(buf, 4096, "%s/.cache/goheapflame/fixtures/go1.27/stacks/%s", home ? home : "", file);
    if (access(buf, R_OK) != 0) {
        fprintf(stderr, "fuzz: fixture %s is missing (scripts/gen-cores.sh makes it; or set GHF_FUZZ_DIR)\n", buf);
        exit(1);
    }
    return buf;
}

int fuzz_memfd(const char *name)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) {
        perror("fuzz: memfd_create");
        exit(1);
    }
    return fd;
}

const char *fuzz_fd_path(int fd, char *buf, size_t cap)
{
    snprintf(buf, cap, "/proc/self/fd/%d", fd);
    return buf;
}
