/* cli.h — subcommands of the goheapflame executable.
 *
 * Each subcommand gets argv with argv[0] set to its own name, parses its own
 * options with getopt_long, and returns a process exit code (enum ghf_exit).
 * Errors are printed by cli_report() as one line "goheapflame: <msg>".
 */
#ifndef GHF_CLI_H
#define GHF_CLI_H

#include "ghf_error.h"

typedef int (*cli_cmd_fn)(int argc, char **argv);

int cmd_render(int argc, char **argv);   /* render/cli_render.c */
int cmd_info(int argc, char **argv);     /* src/cli_info.c */

/* Print err as the single stderr line and return its exit code. */
int cli_report(const ghf_err *err);

/* Parse a non-negative decimal/hex number option; false on junk. */
bool cli_parse_u64(const char *s, unsigned long long *out);

#endif
