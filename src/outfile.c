/* outfile.c — temp file + rename, so outputs appear whole or not at all. */
#define _POSIX_C_SOURCE 200809L
#include "outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary files being written, removed by the handler of SIGINT, SIGTERM
 * and SIGHUP: a run stopped half-way leaves the old output as it was and no
 * OUT.tmp.XXXXXX beside it. The handler only reads the table; it is
 * changed with those signals blocked. */
#define MAX_PENDING 8
static const char *pending[MAX_PENDING];
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void remove_pending(int sig)
{
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i] != NULL)
            unlink(pending[i]);
    /* then die of the signal as we would have without the handler */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void block_stop_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        sigaddset(&set, stop_signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void track(const char *tmp, bool add)
{
    static bool installed;
    sigset_t old;
    block_stop_signals(&old);
    if (!installed) {
        installed = true;
        for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++) {
            struct sigaction sa, prev;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = remove_pending;
            sigfillset(&sa.sa_mask);
            /* a signal the caller chose to ignore (nohup) stays ignored */
            if (sigaction(stop_signals[i], NULL, &prev) == 0 && prev.sa_handler != SIG_IGN)
                sigaction(stop_signals[i], &sa, NULL);
        }
    }
    for (int i = 0; i < MAX_PENDING; i++) {
        if (add && pending[i] == NULL) {
            pending[i] = tmp;
            break;
        }
        if (!add && pending[i] == tmp) {
            pending[i] = NULL;
            break;
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

bool outfile_open(outfile *of, const char *path, ghf_err *err)
{
    memset(of, 0, sizeof *of);
    if (strcmp(path, "-") == 0) {
        of->fp = stdout;
        return true;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write %s: it is a directory", path);
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device or FIFO: renaming a temporary file over it would replace
         * the node itself (as root, /dev/full would become a file). */
        of->device_path = strdup(path);
        if (of->device_path == NULL)
            return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory");
        of->fp = fopen(path, "w");
        if (of->fp == NULL) {
            int e = errno;
            outfile_abort(of);
            return ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write %s: %s", path, strerror(e));
        }
        return true;
    }
    size_t n = strlen(path) + 32;
    of->final_path = strdup(path);
    of->tmp_path = malloc(n);
    if (of->final_path == NULL || of->tmp_path == NULL) {
        outfile_abort(of);
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory");
    }
    snprintf(of->tmp_path, n, "%s.tmp.XXXXXX", path);
    sigset_t old;
    block_stop_signals(&old); /* no signal between creating the file and tracking it */
    int fd = mkstemp(of->tmp_path);
    if (fd >= 0)
        track(of->tmp_path, true);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (fd < 0) {
        int e = errno;
        free(of->tmp_path);
        of->tmp_path = NULL;
        outfile_abort(of);
        return ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write %s: %s", path, strerror(e));
    }
    /* mkstemp creates 0600; an output file gets the usual 0666 & ~umask. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    of->fp = fdopen(fd, "w");
    if (of->fp == NULL) {
        close(fd);
        outfile_abort(of);
        return ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write %s: %s", path, strerror(errno));
    }
    return true;
}

bool outfile_commit(outfile *of, ghf_err *err)
{
    if (of->device_path != NULL) {
        bool bad = fflush(of->fp) != 0 || ferror(of->fp) != 0;
        int e = errno;
        if (fclose(of->fp) != 0 && !bad) {
            bad = true;
            e = errno;
        }
        of->fp = NULL;
        if (bad) {
            char path[4096];
            snprintf(path, sizeof path, "%s", of->device_path);
            outfile_abort(of);
            return ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write %s: %s", path, strerror(e));
        }
        outfile_abort(of); /* nothing to remove: frees the path */
        return true;
    }
    if (of->final_path == NULL) { /* stdout */
        if (fflush(of->fp) != 0 || ferror(of->fp))
            return ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write to standard output: %s", strerror(errno));
        return true;
    }
    bool bad = ferror(of->fp) != 0;
    if (fclose(of->fp) != 0)
        bad = true;
    of->fp = NULL;
    sigset_t old;
    block_stop_signals(&old); /* renamed and untracked as one step */
    bool renamed = !bad && rename(of->tmp_path, of->final_path) == 0;
    int rename_errno = errno;
    if (renamed)
        track(of->tmp_path, false);
    sigprocmask(SIG_SETMASK, &old, NULL);
    errno = rename_errno;
    if (!renamed) {
        int e = errno;
        char path[4096];
        snprintf(path, sizeof path, "%s", of->final_path);
        outfile_abort(of);
        return ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write %s: %s", path, strerror(e));
    }
    free(of->final_path);
    free(of->tmp_path);
    of->final_path = of->tmp_path = NULL;
    return true;
}

void outfile_abort(outfile *of)
{
    if (of->fp != NULL && of->fp != stdout)
        fclose(of->fp);
    if (of->tmp_path != NULL) {
        unlink(of->tmp_path);
        track(of->tmp_path, false);
    }
    free(of->final_path);
    free(of->tmp_path);
    free(of->device_path);
    memset(of, 0, sizeof *of);
}
