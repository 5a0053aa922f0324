/* cli_util.c — helpers shared by the subcommands. */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "session.h"

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

bool cli_parse_size(const char *s, unsigned long long *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0)
        return false;
    static const struct { const char *suffix; unsigned long long mult; } units[] = {
        {"", 1}, {"B", 1},
        {"K", 1ull << 10}, {"KiB", 1ull << 10}, {"KB", 1000ull},
        {"M", 1ull << 20}, {"MiB", 1ull << 20}, {"MB", 1000000ull},
        {"G", 1ull << 30}, {"GiB", 1ull << 30}, {"GB", 1000000000ull},
        {"T", 1ull << 40}, {"TiB", 1ull << 40}, {"TB", 1000000000000ull},
    };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strcmp(end, units[i].suffix) == 0) {
            if (v > ULLONG_MAX / units[i].mult)
                return false;
            *out = v * units[i].mult;
            return true;
        }
    return false;
}

/* Edit distance (insert, delete, substitute) between a and b, stopping at
 * limit + 1: only small distances matter for a suggestion. */
static size_t edit_distance(const char *a, const char *b, size_t limit)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *cli_nearest(const char *word, const char *const *names, size_t n)
{
    const char *pick = NULL;
    size_t best = 3, len = strlen(word);
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, names[i], 2);
        if (d < best && d < len) {
            best = d;
            pick = names[i];
        }
    }
    return pick;
}

int cli_bad_option(const char *cmd, int c, char **argv)
{
    return cli_bad_option_in(cmd, c, argv, NULL);
}

int cli_bad_option_in(const char *cmd, int c, char **argv, const struct option *longopts)
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
    else {
        /* --name=value and --name: the name alone is compared */
        char name[65] = "";
        const char *nearest = NULL;
        if (longopts != NULL && strncmp(word, "--", 2) == 0) {
            snprintf(name, sizeof name, "%.*s", (int)strcspn(word + 2, "="), word + 2);
            const char *names[128];
            size_t n = 0;
            for (size_t i = 0; longopts[i].name != NULL && n < 128; i++)
                names[n++] = longopts[i].name;
            nearest = cli_nearest(name, names, n);
        }
        if (nearest != NULL)
            fprintf(stderr, "goheapflame: %s: unknown option '%s'; did you mean '--%s'? (see goheapflame %s --help)\n",
                    cmd, word, nearest, cmd);
        else
            fprintf(stderr, "goheapflame: %s: unknown option '%s' (see goheapflame %s --help)\n", cmd, word, cmd);
    }
    return GHF_EXIT_USAGE;
}

int cli_parse_core_args(int argc, char **argv, cli_core_args *a, void (*usage)(FILE *))
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'}, {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'}, {"no-heap", no_argument, NULL, 'n'},
        {"edges", no_argument, NULL, 'e'}, {"help", no_argument, NULL, 'h'}, CLI_SOURCE_LONGOPTS,
        {"progress", no_argument, NULL, 'P'}, {"no-progress", no_argument, NULL, 'Q'},
        {NULL, 0, NULL, 0},
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
        case 'P': a->progress = true; break;
        case 'Q': a->progress = false; break;
        case 'h': usage(stdout); return GHF_EXIT_OK;
        case CLI_O_PID: case CLI_O_EXE: case CLI_O_SAVE_CORE: case CLI_O_DEBUG_EXE:
            if (!cli_source_option(&a->src, c, optarg))
                return GHF_EXIT_USAGE;
            break;
        default: return cli_bad_option_in(argv[0], c, argv, longopts);
        }
    }
    return cli_source_args(&a->src, argv[0], argc, argv, optind);
}

bool cli_source_option(cli_source *src, int c, const char *arg)
{
    unsigned long long v;
    switch (c) {
    case CLI_O_PID:
        if (!cli_parse_u64(arg, &v) || v == 0 || v > 0x3fffffff) {
            fprintf(stderr, "goheapflame: --pid needs a process id, not '%s'\n", arg);
            return false;
        }
        src->pid = (int)v;
        return true;
    case CLI_O_EXE: src->exe = arg; return true;
    case CLI_O_SAVE_CORE: src->save_core = arg; return true;
    case CLI_O_DEBUG_EXE: src->debug_exe = arg; return true;
    }
    return false;
}

int cli_source_args(cli_source *src, const char *cmd, int argc, char **argv, int first)
{
    int n = argc - first;
    if (src->pid == 0 && (src->exe || src->save_core)) {
        fprintf(stderr, "goheapflame: %s: --%s goes with --pid (see goheapflame %s --help)\n", cmd,
                src->exe ? "exe" : "save-core", cmd);
        return GHF_EXIT_USAGE;
    }
    if (src->pid != 0) {
        if (n > 1 || (n == 1 && src->exe)) {
            fprintf(stderr, "goheapflame: %s: with --pid give at most the executable, not a core (see goheapflame %s "
                    "--help)\n", cmd, cmd);
            return GHF_EXIT_USAGE;
        }
        if (n == 1)
            src->exe = argv[first];
        return -1;
    }
    if (n != 2) {
        fprintf(stderr, "goheapflame: %s needs CORE and EXE, or --pid PID (see goheapflame %s --help)\n", cmd, cmd);
        return GHF_EXIT_USAGE;
    }
    src->core = argv[first];
    src->exe = argv[first + 1];
    return -1;
}

bool cli_open_session(const cli_source *src, session *s, const session_opts *opts, ghf_err *err)
{
    session_opts o = {0};
    if (opts)
        o = *opts;
    o.debug_exe = src->debug_exe;
    if (src->pid != 0)
        return session_open_pid(s, src->pid, src->exe, src->save_core, &o, err);
    return session_open(s, src->core, src->exe, &o, err);
}
