/* cli_util.c — helpers shared by the subcommands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cli_report(const ghf_err *err)
{
    fprintf(stderr, "goheapflame: %s\n", err->msg[0] ? err->msg : "unknown error");
    return err->code ? err->code : GHF_EXIT_INTERNAL;
}

bool cli_parse_u64(const char *s, unsigned long long *out)
{
    if (s == NULL || *s == '\0' || *s == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}
