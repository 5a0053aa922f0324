/* cli_util.c — helpers shared by the subcommands. */
#include <errno.h>
#include <getopt.h>
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

int cli_parse_core_args(int argc, char **argv, cli_core_args *a, void (*usage)(FILE *))
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'}, {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'}, {"no-heap", no_argument, NULL, 'n'},
        {"edges", no_argument, NULL, 'e'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    *a = (cli_core_args){.output = "-"};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': a->json = true; break;
        case 'o': a->output = optarg; break;
        case 'f': a->force = true; break;
        case 'n': a->no_heap = true; break;
        case 'e': a->edges = true; break;
        case 'h': usage(stdout); return GHF_EXIT_OK;
        default: usage(stderr); return GHF_EXIT_USAGE;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "goheapflame: %s needs CORE and EXE (see goheapflame %s --help)\n", argv[0], argv[0]);
        return GHF_EXIT_USAGE;
    }
    a->core = argv[optind];
    a->exe = argv[optind + 1];
    return -1;
}
