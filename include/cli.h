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
int cmd_rtlayout(int argc, char **argv); /* src/cli_rtlayout.c: hidden, see there */
int cmd_path(int argc, char **argv);    /* src/cli_path.c: why an object is alive */

/* Where the memory comes from: a core file and its executable, or a
 * running process (--pid PID [--exe EXE] [--save-core FILE]). */
typedef struct cli_source {
    const char *core, *exe;  /* exe NULL with pid: /proc/PID/exe */
    int pid;                 /* 0: read the core file */
    const char *save_core;   /* with pid: also write the snapshot as a core */
    const char *debug_exe;   /* --debug-exe: DWARF from this unstripped build of EXE */
} cli_source;

/* getopt_long values of the source options; each command's table lists
 * CLI_SOURCE_LONGOPTS and passes those values to cli_source_option. */
enum { CLI_O_PID = 1000, CLI_O_EXE, CLI_O_SAVE_CORE, CLI_O_DEBUG_EXE };
#define CLI_SOURCE_LONGOPTS                                                                                  \
    {"pid", required_argument, NULL, CLI_O_PID}, {"exe", required_argument, NULL, CLI_O_EXE},                \
        {"save-core", required_argument, NULL, CLI_O_SAVE_CORE},                                            \
        {"debug-exe", required_argument, NULL, CLI_O_DEBUG_EXE}
/* Take one source option; false (and a usage message) on a bad value. */
bool cli_source_option(cli_source *src, int c, const char *arg);
/* The positional arguments argv[first..argc): CORE EXE, or with --pid
 * nothing or EXE. Returns -1 to go on, or GHF_EXIT_USAGE (reported). */
int cli_source_args(cli_source *src, const char *cmd, int argc, char **argv, int first);
/* The help text lines for the source options. */
#define CLI_SOURCE_HELP                                                                                      \
    "  --pid PID            read a running process instead of a core: it is paused only while its\n"      \
    "                       memory is copied (ptrace; needs permission to trace it), then analysed\n"       \
    "  --exe EXE            with --pid: the executable (default /proc/PID/exe)\n"                          \
    "  --save-core FILE     with --pid: also write the copy as an ELF core file (gdb reads it too)\n"       \
    CLI_DEBUG_EXE_HELP
/* --debug-exe, which diff takes too. */
#define CLI_DEBUG_EXE_HELP                                                                                   \
    "  --debug-exe FILE     read DWARF from FILE, an unstripped build of EXE (EXE built with\n"            \
    "                       -ldflags=\"-s -w\"): FILE must have EXE's Go build ID, or the same\n"          \
    "                       code and data sections (go build -trimpath both times); else exit 3\n"

/* --progress for the commands that print their answer (off by default). */
#define CLI_PROGRESS_HELP                                                                                    \
    "  --progress           report stages and their times on stderr; --no-progress: not [default]\n"

struct session;
struct session_opts;
/* session_open or session_open_pid, as src says. */
bool cli_open_session(const cli_source *src, struct session *s, const struct session_opts *opts, ghf_err *err);

/* Options shared by the commands that read a core. */
typedef struct cli_core_args {
    cli_source src;
    const char *output;      /* "-" = stdout */
    bool json, force, no_heap;
    bool edges;              /* objects: list each object's pointer targets */
    bool progress;           /* --progress (default off: these commands print their answer) */
} cli_core_args;

/* Parse "[--json] [-o F] [--force] [extra] CORE EXE". Returns -1 to go on,
 * or an exit code (help printed, or a usage error reported). */
int cli_parse_core_args(int argc, char **argv, cli_core_args *a, void (*usage)(FILE *));

/* Report a getopt_long failure (c = ':' or '?', opterr = 0, option string
 * starting with ':') as one stderr line; returns GHF_EXIT_USAGE. */
int cli_bad_option(const char *cmd, int c, char **argv);
/* The same, naming the nearest of the command's long options for an
 * unknown one ("did you mean '--minwidth'?"). */
struct option;
int cli_bad_option_in(const char *cmd, int c, char **argv, const struct option *longopts);

/* The one of names[0..n) nearest to word (at most 2 edits and fewer than
 * its length), or NULL: what a misspelt word probably meant. */
const char *cli_nearest(const char *word, const char *const *names, size_t n);

/* Print err as the single stderr line and return its exit code. */
int cli_report(const ghf_err *err);

/* Parse a non-negative decimal/hex number option; false on junk. */
bool cli_parse_u64(const char *s, unsigned long long *out);
/* A byte count: decimal digits and an optional unit, B, K/KiB, M/MiB,
 * G/GiB, T/TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000), as in
 * "10MiB" or "512K". False on anything else or overflow. */
bool cli_parse_size(const char *s, unsigned long long *out);

#endif
