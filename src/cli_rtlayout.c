/* cli_rtlayout.c — `goheapflame rtlayout`, a hidden command for
 * scripts/gen-rtlayout.sh and the rtlayout tests (include/rtlayout.h):
 *
 *   goheapflame rtlayout EXE                 what EXE's DWARF says, one fact a line
 *   goheapflame rtlayout --c EXE ARCH        the same as the table's C block for GOARCH ARCH
 *   goheapflame rtlayout --table N ARCH      the table's block for Go 1.N, one fact a line
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dwarf_index.h"
#include "rtlayout.h"

/* "Go cmd/compile go1.22.12; regabi" -> "go1.22.12", minor 22 */
static bool producer_version(const char *producer, char *buf, size_t cap, int *minor)
{
    const char *p = strstr(producer, "go1.");
    if (p == NULL)
        return false;
    size_t n = strcspn(p, " ;");
    snprintf(buf, cap, "%.*s", (int)n, p);
    return sscanf(p, "go1.%d", minor) == 1;
}

int cmd_rtlayout(int argc, char **argv)
{
    ghf_err err = {0};
    if (argc == 4 && strcmp(argv[1], "--table") == 0) {
        const rtl_block *b = rtl_block_for(argv[3], atoi(argv[2]));
        if (b == NULL) {
            fprintf(stderr, "goheapflame: rtlayout: no layout table for Go 1.%s on %s\n", argv[2], argv[3]);
            return GHF_EXIT_UNSUPPORTED;
        }
        rtl_dump_block(b, stdout);
        return GHF_EXIT_OK;
    }
    bool as_c = argc == 4 && strcmp(argv[1], "--c") == 0;
    if (argc != 2 + 2 * as_c) {
        fprintf(stderr, "goheapflame: usage: goheapflame rtlayout EXE | rtlayout --c EXE ARCH | "
                "rtlayout --table MINOR ARCH\n");
        return GHF_EXIT_USAGE;
    }
    dwx *d = NULL;
    if (!dwx_open(argv[1 + as_c], &d, &err))
        return cli_report(&err);
    char version[64];
    int minor = 0;
    if (!producer_version(dwx_producer(d), version, sizeof version, &minor)) {
        fprintf(stderr, "goheapflame: rtlayout: no Go version in the DWARF producer \"%s\"\n", dwx_producer(d));
        dwx_close(d);
        return GHF_EXIT_INPUT;
    }
    bool ok = rtl_dump_dwarf(d, as_c ? argv[3] : "-", minor, version, as_c, stdout, &err);
    dwx_close(d);
    return ok ? GHF_EXIT_OK : cli_report(&err);
}
