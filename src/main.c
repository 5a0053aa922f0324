/* main.c — the goheapflame command line: dispatch to subcommands. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "flame_job.h"
#include "vec.h"
#include "version.h"

static const struct {
    const char *name;
    cli_cmd_fn fn;
    const char *summary;
} commands[] = {
    {"flame", cmd_flame, "the main job (also without a command): core -> reference flame graph"},
    {"diff", cmd_diff, "what grew between two cores: differential flame graph and growth table"},
    {"render", cmd_render, "draw any folded-stack file as SVG or PNG"},
    {"info", cmd_info, "summarise a core: Go version, threads, goroutines, heap"},
    {"objects", cmd_objects, "list heap objects: address, size, pointers, type"},
    {"histogram", cmd_histogram, "objects and bytes per type"},
    {"path", cmd_path, "why is it alive: dominator path and shortest path from a GC root"},
    {"roots", cmd_roots, "list GC roots and the bytes they reference directly"},
    {"help", NULL, "this text, or a command's options: goheapflame help COMMAND"},
    {NULL, NULL, NULL}, /* end */
};

static void usage(FILE *fp)
{
    fprintf(fp,
        "goheapflame %s: who is holding this memory? A reference flame graph from a Go core.\n"
        "\n"
        "Usage:\n"
        "  goheapflame [OPTIONS] CORE EXE -o OUT   the main job (see goheapflame flame --help)\n"
        "  goheapflame COMMAND [OPTIONS] ARGS...\n"
        "  goheapflame --help | --version\n"
        "\n"
        "Commands:\n",
        GHF_VERSION);
    for (size_t i = 0; commands[i].name; i++)
        fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp,
        "\n"
        "Run 'goheapflame COMMAND --help' for a command's options.\n"
        "\n"
        "Exit status:\n"
        "  0  success (\"warning: ...; the result is partial\" on stderr when the core is truncated\n"
        "     or its runtime metadata damaged)\n"
        "  2  usage error (bad option or arguments)\n"
        "  3  bad input: unreadable, truncated or corrupt file, or a core and executable that do not match\n"
        "  4  unsupported input: a Go version outside 1.19-1.27, another architecture, an executable\n"
        "     without DWARF and symbols (-ldflags=\"-s -w\"), a program not written in Go\n"
        "  5  the output cannot be written (no partial output file is left behind)\n"
        "  6  internal error (please report it)\n");
}

/* One stderr line for a word that is no command, with the command it
 * probably meant. */
static void unknown_command(const char *word, const char *what)
{
    const char *names[16];
    size_t n = 0;
    for (size_t i = 0; commands[i].name && n < 16; i++)
        names[n++] = commands[i].name;
    const char *near = cli_nearest(word, names, n);
    if (near != NULL)
        fprintf(stderr, "goheapflame: %s '%s'; did you mean '%s'? (see goheapflame --help)\n", what, word, near);
    else
        fprintf(stderr, "goheapflame: %s '%s' (see goheapflame --help)\n", what, word);
}

/* goheapflame help [COMMAND]: the overview, or COMMAND --help. */
static int help(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return GHF_EXIT_OK;
    }
    if (argc > 2) {
        fprintf(stderr, "goheapflame: help takes one command (see goheapflame --help)\n");
        return GHF_EXIT_USAGE;
    }
    for (size_t i = 0; commands[i].name; i++)
        if (commands[i].fn != NULL && strcmp(argv[1], commands[i].name) == 0) {
            char *args[] = {argv[1], "--help", NULL};
            return commands[i].fn(2, args);
        }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout); /* help --help, as every command takes --help */
        return GHF_EXIT_OK;
    }
    unknown_command(argv[1], "help: unknown command");
    return GHF_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    ghf_big_arrays_init();
    if (argc < 2) {
        usage(stderr);
        return GHF_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return GHF_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("goheapflame %s\n", GHF_VERSION);
        return GHF_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0)
        return help(argc - 1, argv + 1);
    /* Hidden: for scripts/gen-rtlayout.sh and the rtlayout tests. */
    if (strcmp(argv[1], "rtlayout") == 0)
        return cmd_rtlayout(argc - 1, argv + 1);
    for (size_t i = 0; commands[i].name; i++)
        if (commands[i].fn != NULL && strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    /* The main job needs no command word: goheapflame [OPTIONS] CORE EXE -o OUT */
    if (argv[1][0] == '-' || access(argv[1], F_OK) == 0)
        return cmd_flame(argc, argv);
    unknown_command(argv[1], "unknown command or missing file");
    return GHF_EXIT_USAGE;
}
