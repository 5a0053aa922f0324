/* cli_util.c — helpers shared by the subcommands. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int cli_bad_option(const char *cmd, int c, char **argv)
{
    /* getopt_long with opterr = 0 and a leading ':' in the option string:
     * ':' = an option without its value, '?' = unknown; the offending word
     * is argv[optind - 1] either way. */
    const char *word = optind > 0 ? argv[optind - 1] : "?";
    char shortopt[3] = {'-', (char)optopt, '\0'};
    if (c == '?' && optopt != 0 && strncmp(word, "--", 2) != 0)
        word = shortopt; /* an unknown letter inside a group such as -xj */
    if (c == ':')
        fprintf(stderr, "goheapflame: %s: option '%s' needs a value (see goheapflame %s --help)\n", cmd, word, cmd);
    else
        fprintf(stderr, "goheapflame: %s: unknown option '%s' (see goheapflame %s --help)\n", cmd, word, cmd);
    return GHF_EXIT_USAGE;
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
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': a->json = true; break;
        case 'o': a->output = optarg; break;
        case 'f': a->force = true; break;
        case 'n': a->no_heap = true; break;
        case 'e': a->edges = true; break;
        case 'h': usage(stdout); return GHF_EXIT_OK;
        default: return cli_bad_option(argv[0], c, argv);
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
