/* cli.h — subcommands of the goheapflame executable.
 *
 * Each subcommand gets argv with argv[0] set to its own name, parses its own
 * options with getopt_long, and returns a process exit code (enum ghf_exit).
 * Errors are printed by cli_report() as one line "goheapflame: <msg>".
 */
#ifndef GHF_CLI_H
#define GHF_CLI_H

#include <stdio.h>
#include "ghf_error.h"

typedef int (*cli_cmd_fn)(int argc, char **argv);

int cmd_render(int argc, char **argv);   /* render/cli_render.c */
int cmd_flame(int argc, char **argv);    /* src/cli_flame.c: the default command */
int cmd_info(int argc, char **argv);     /* src/cli_info.c */
int cmd_objects(int argc, char **argv);  /* src/cli_heap.c */
int cmd_histogram(int argc, char **argv);
int cmd_roots(int argc, char **argv);

/* Options shared by the commands that read a core. */
typedef struct cli_core_args {
    const char *core, *exe;
    const char *output;      /* "-" = stdout */
    bool json, force, no_heap;
    bool edges;              /* objects: list each object's pointer targets */
} cli_core_args;

/* Parse "[--json] [-o F] [--force] [extra] CORE EXE". Returns -1 to go on,
 * or an exit code (help printed, or a usage error reported). */
int cli_parse_core_args(int argc, char **argv, cli_core_args *a, void (*usage)(FILE *));

/* Report a getopt_long failure (c = ':' or '?', opterr = 0, option string
 * starting with ':') as one stderr line; returns GHF_EXIT_USAGE. */
int cli_bad_option(const char *cmd, int c, char **argv);

/* Print err as the single stderr line and return its exit code. */
int cli_report(const ghf_err *err);

/* Parse a non-negative decimal/hex number option; false on junk. */
bool cli_parse_u64(const char *s, unsigned long long *out);

#endif
