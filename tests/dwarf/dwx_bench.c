/* dwx_bench EXE — time dwx_open on one executable and print what it indexed
 * (and the warnings about damaged units it skipped).
 * Not a test: a measuring tool for the "indexed in well under a second" goal
 * (e.g. on `go build -o /tmp/gobig cmd/go`). */
#include <stdio.h>
#include <time.h>
#include "dwarf_index.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dwx_bench EXE\n");
        return 2;
    }
    struct timespec t0, t1;
    ghf_err err = {0};
    dwx *d;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool ok = dwx_open(argv[1], &d, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!ok) {
        fprintf(stderr, "dwx_bench: %s\n", err.msg);
        return err.code;
    }
    size_t nlocals = 0;
    for (size_t i = 0; i < dwx_func_count(d); i++)
        nlocals += dwx_funcs(d)[i].nlocals;
    printf("%.3f s: DWARF %u (%s): %zu types, %zu globals, %zu functions, %zu locals, %u other units\n",
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
           dwx_dwarf_version(d), dwx_producer(d), dwx_type_count(d), dwx_global_count(d),
           dwx_func_count(d), nlocals, dwx_other_units(d));
    for (size_t i = 0; i < dwx_warning_count(d); i++)
        printf("warning: %s\n", dwx_warning(d, i));
    dwx_close(d);
    return 0;
}
