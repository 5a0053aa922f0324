/* live.c — a running process as a core image (see include/live.h).
 *
 * Order matters for the pause: everything that can be decided without
 * stopping the process (is it a 64-bit Go program, may we trace it) is
 * checked first; then all threads are stopped, the layout is computed from
 * /proc/PID/maps, the memory is copied straight into the mapped image, and
 * the threads are let go before anything is analysed.
 */
#include "live.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "outfile.h"
#include "vec.h"

#define PAGE 4096u

typedef struct tracee {
    pid_t tid;
    int pending_sig;            /* a signal that stopped it, given back at detach */
    struct user_regs_struct regs;
} tracee;
typedef VEC(tracee) tracee_vec;

typedef struct mapping {
    uint64_t start, end, offset;  /* offset: in the mapped file */
    unsigned prot;                /* PF_R | PF_W | PF_X */
    bool anon, copy_all, header_only;
    char *path;                   /* NULL for anonymous memory */
    uint64_t file_off, filesz;    /* where its bytes go in the image */
} mapping;
typedef VEC(mapping) mapping_vec;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- before stopping anything ---------------------------------------- */

static bool check_exe(int pid, const char *exe_path, ghf_err *err)
{
    int fd = open(exe_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "process %d: cannot open its executable %s: %s", pid, exe_path,
                        strerror(errno));
    bool ok = false;
    unsigned char ident[EI_NIDENT] = {0};
    Elf *e = NULL;
    if (pread(fd, ident, sizeof ident, 0) != (ssize_t)sizeof ident || memcmp(ident, ELFMAG, SELFMAG) != 0) {
        ghf_fail(err, GHF_EXIT_UNSUPPORTED, "process %d: its executable %s is not an ELF file", pid, exe_path);
        goto out;
    }
    if (ident[EI_CLASS] != ELFCLASS64) {
        ghf_fail(err, GHF_EXIT_UNSUPPORTED, "process %d is a 32-bit process; only 64-bit Go programs are supported",
                 pid);
        goto out;
    }
    elf_version(EV_CURRENT);
    e = elf_begin(fd, ELF_C_READ, NULL);
    GElf_Ehdr eh;
    if (e == NULL || gelf_getehdr(e, &eh) == NULL) {
        ghf_fail(err, GHF_EXIT_INPUT, "process %d: its executable %s: %s", pid, exe_path, elf_errmsg(-1));
        goto out;
    }
    const arch_desc *host = arch_host();
    if (host == NULL || eh.e_machine != host->elf_machine) {
        ghf_fail(err, GHF_EXIT_UNSUPPORTED,
                 "process %d runs on ELF machine %u; goheapflame reads live processes of its own machine (%s) only",
                 pid, (unsigned)eh.e_machine, host ? host->elf_name : "not described in arch.h");
        goto out;
    }
    size_t shstrndx;
    bool go = false;
    if (elf_getshdrstrndx(e, &shstrndx) == 0)
        for (Elf_Scn *s = elf_nextscn(e, NULL); s != NULL && !go; s = elf_nextscn(e, s)) {
            GElf_Shdr sh;
            const char *name = gelf_getshdr(s, &sh) ? elf_strptr(e, shstrndx, sh.sh_name) : NULL;
            go = name && (strcmp(name, ".go.buildinfo") == 0 || strcmp(name, ".gopclntab") == 0);
        }
    if (!go) {
        ghf_fail(err, GHF_EXIT_UNSUPPORTED, "process %d (%s) is not a Go program (no .go.buildinfo section)", pid,
                 exe_path);
        goto out;
    }
    ok = true;
out:
    if (e)
        elf_end(e);
    close(fd);
    return ok;
}

/* Why PTRACE_SEIZE was refused, in the words a user can act on. */
static bool attach_refused(int pid, int errnum, ghf_err *err)
{
    if (errnum == ESRCH)
        return ghf_fail(err, GHF_EXIT_INPUT, "process %d exited before it could be stopped", pid);
    char path[64], line[256];
    long tracer = 0;
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *fp = fopen(path, "r");
    while (fp && fgets(line, sizeof line, fp))
        if (sscanf(line, "TracerPid: %ld", &tracer) == 1)
            break;
    if (fp)
        fclose(fp);
    if (tracer != 0)
        return ghf_fail(err, GHF_EXIT_INPUT,
                        "cannot trace process %d: process %ld (a debugger?) is already tracing it", pid, tracer);
    int scope = -1;
    fp = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");
    if (fp) {
        if (fscanf(fp, "%d", &scope) != 1)
            scope = -1;
        fclose(fp);
    }
    if (scope > 0)
        return ghf_fail(err, GHF_EXIT_INPUT,
                        "cannot trace process %d: %s (kernel.yama.ptrace_scope is %d: run as root, or with "
                        "CAP_SYS_PTRACE)", pid, strerror(errnum), scope);
    return ghf_fail(err, GHF_EXIT_INPUT, "cannot trace process %d: %s (run as its user or as root)", pid,
                    strerror(errnum));
}

/* ---- stopping and letting go ----------------------------------------- */

static bool have_tid(const tracee_vec *t, pid_t tid)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].tid == tid)
            return true;
    return false;
}

/* Wait until tid is stopped. False when it exited instead. */
static bool wait_stopped(tracee *t)
{
    for (;;) {
        int status;
        pid_t r = waitpid(t->tid, &status, __WALL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status))
            return false;
        if (!WIFSTOPPED(status))
            continue;
        /* PTRACE_INTERRUPT gives an event stop; a signal that arrived first
         * stops the thread in signal-delivery-stop instead: remember that
         * signal, the process must still receive it when we let go. */
        if ((status >> 16) != PTRACE_EVENT_STOP)
            t->pending_sig = WSTOPSIG(status);
        return true;
    }
}

static void detach_all(tracee_vec *t)
{
    for (size_t i = 0; i < t->n; i++)
        ptrace(PTRACE_DETACH, t->v[i].tid, NULL, (void *)(long)t->v[i].pending_sig);
}

/* Stop every thread, including threads started while we stop the others. */
static bool stop_all(int pid, tracee_vec *t, ghf_err *err)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d/task", pid);
    for (int round = 0;; round++) {
        DIR *d = opendir(dir);
        if (d == NULL)
            return ghf_fail(err, GHF_EXIT_INPUT, "process %d exited while it was being stopped", pid);
        size_t before = t->n;
        struct dirent *de;
        bool ok = true;
        while (ok && (de = readdir(d)) != NULL) {
            char *end;
            long tid = strtol(de->d_name, &end, 10);
            if (*end != '\0' || tid <= 0 || have_tid(t, (pid_t)tid))
                continue;
            if (ptrace(PTRACE_SEIZE, (pid_t)tid, NULL, NULL) != 0) {
                if (errno == ESRCH)
                    continue; /* the thread exited meanwhile */
                int e = errno;
                ok = attach_refused(pid, e, err);
                break;
            }
            tracee tr = {.tid = (pid_t)tid};
            if (ptrace(PTRACE_INTERRUPT, tr.tid, NULL, NULL) != 0 || !wait_stopped(&tr)) {
                ptrace(PTRACE_DETACH, tr.tid, NULL, NULL);
                continue; /* exited */
            }
            ok = VEC_PUSH(t, tr, err);
        }
        closedir(d);
        if (!ok)
            return false;
        if (t->n == before)
            break; /* a whole pass found no new thread: all are stopped */
        if (round > 1000)
            return ghf_fail(err, GHF_EXIT_INPUT, "process %d keeps creating threads; cannot stop them all", pid);
    }
    if (t->n == 0 || !have_tid(t, (pid_t)pid))
        return ghf_fail(err, GHF_EXIT_INPUT, "process %d exited while it was being stopped", pid);
    for (size_t i = 0; i < t->n; i++)
        if (ptrace(PTRACE_GETREGS, t->v[i].tid, NULL, &t->v[i].regs) != 0)
            return ghf_fail(err, GHF_EXIT_INPUT, "process %d: cannot read the registers of thread %d: %s", pid,
                            (int)t->v[i].tid, strerror(errno));
    return true;
}

/* ---- the layout ------------------------------------------------------ */

static bool read_maps(int pid, mapping_vec *m, ghf_err *err)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return ghf_fail(err, GHF_EXIT_INPUT, "process %d: cannot read %s: %s", pid, path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    bool ok = true;
    while (ok && getline(&line, &cap, fp) > 0) {
        unsigned long long start, end, off;
        char perms[8];
        unsigned long long inode;
        int n = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %*s %llu %n", &start, &end, perms, &off, &inode, &n) < 5)
            continue;
        char *name = line + n;
        name[strcspn(name, "\n")] = '\0';
        /* [vvar] and [vsyscall] are the kernel's pages: reading them from
         * another process fails, and a kernel core leaves them out too. */
        if (strcmp(name, "[vvar]") == 0 || strcmp(name, "[vvar_vclock]") == 0 || strcmp(name, "[vsyscall]") == 0)
            continue;
        mapping mp = {.start = start, .end = end, .offset = off};
        mp.prot = (perms[0] == 'r' ? PF_R : 0) | (perms[1] == 'w' ? PF_W : 0) | (perms[2] == 'x' ? PF_X : 0);
        mp.anon = name[0] != '/';
        if (!mp.anon) {
            mp.path = strdup(name);
            if (mp.path == NULL) {
                ok = ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory");
                break;
            }
        }
        /* What a kernel core keeps (coredump_filter 0x33): anonymous and
         * written private memory, and the ELF header page of mapped files
         * (their build IDs). A private file mapping the process may have
         * written is copied whole; anonymous memory only where touched. */
        if (!(mp.prot & PF_R))
            ;  /* a PROT_NONE reservation: no bytes */
        else if (mp.anon)
            mp.copy_all = false;
        else if (mp.prot & PF_W)
            mp.copy_all = true;
        else if (off == 0)
            mp.header_only = true;
        ok = VEC_PUSH(m, mp, err);
    }
    free(line);
    fclose(fp);
    return ok;
}

/* The bytes of mapping mp that go into the image. */
static uint64_t image_len(const mapping *mp)
{
    if (!(mp->prot & PF_R))
        return 0;
    if (mp->header_only)
        return PAGE;
    return mp->end - mp->start;
}

static void maps_free(mapping_vec *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].path);
    VEC_FREE(m);
}

/* Do a and b list the same mappings (so one image layout serves both)? */
static bool same_maps(const mapping_vec *a, const mapping_vec *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const mapping *x = &a->v[i], *y = &b->v[i];
        if (x->start != y->start || x->end != y->end || x->offset != y->offset || x->prot != y->prot ||
            x->anon != y->anon || x->copy_all != y->copy_all || x->header_only != y->header_only)
            return false;
    }
    return true;
}

/* Where each mapping's bytes go in the image: after the ELF header and the
 * program headers (PT_NOTE, then one PT_LOAD per mapping), page-aligned.
 * The notes come last, so that this layout depends on the mappings alone
 * and can be made before the process is stopped. Returns the end of the
 * mappings' bytes. */
static uint64_t lay_out(mapping_vec *m)
{
    uint64_t off = sizeof(Elf64_Ehdr) + (1 + m->n) * sizeof(Elf64_Phdr);
    off = (off + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    for (size_t i = 0; i < m->n; i++) {
        m->v[i].file_off = off;
        m->v[i].filesz = image_len(&m->v[i]);
        off += m->v[i].filesz;
    }
    return off;
}

/* ---- the notes ------------------------------------------------------- */

typedef struct notebuf {
    uint8_t *p;
    size_t n, cap;
} notebuf;

static bool nb_put(notebuf *b, const void *src, size_t n, ghf_err *err)
{
    if (b->n + n + 8 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + n + 8)
            cap *= 2;
        uint8_t *p = ghf_xrealloc(b->p, cap, 1, err);
        if (p == NULL)
            return false;
        b->p = p;
        b->cap = cap;
    }
    if (src)
        memcpy(b->p + b->n, src, n);
    else
        memset(b->p + b->n, 0, n);
    b->n += n;
    return true;
}

static bool note(notebuf *b, const char *name, uint32_t type, const void *desc, size_t descsz, ghf_err *err)
{
    uint32_t hdr[3] = {(uint32_t)strlen(name) + 1, (uint32_t)descsz, type};
    size_t namepad = (hdr[0] + 3) & ~3u, descpad = (descsz + 3) & ~(size_t)3;
    return nb_put(b, hdr, sizeof hdr, err) && nb_put(b, name, hdr[0], err) &&
           nb_put(b, NULL, namepad - hdr[0], err) && nb_put(b, desc, descsz, err) &&
           nb_put(b, NULL, descpad - descsz, err);
}

/* struct elf_prstatus of the host (arch.h): pr_pid and pr_reg, which is
 * struct user_regs_struct, where the host's description puts them. */
static bool prstatus(notebuf *b, const tracee *t, ghf_err *err)
{
    const arch_desc *host = arch_host();
    uint8_t d[512] = {0};
    _Static_assert(sizeof(struct user_regs_struct) <= ARCH_MAX_PR_REGS * 8, "user_regs_struct is pr_reg");
    if (host == NULL || host->prstatus_size > sizeof d ||
        host->prstatus_regs + sizeof t->regs > host->prstatus_size || (size_t)host->pr_nregs * 8 != sizeof t->regs)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "NT_PRSTATUS of this machine is not described (arch.h)");
    uint32_t tid = (uint32_t)t->tid;
    if (t->pending_sig) {
        int32_t sig = t->pending_sig;
        memcpy(d, &sig, 4);         /* si_signo */
        int16_t cur = (int16_t)sig;
        memcpy(d + 12, &cur, 2);    /* pr_cursig */
    }
    memcpy(d + host->prstatus_tid, &tid, 4);
    memcpy(d + host->prstatus_regs, &t->regs, sizeof t->regs);
    return note(b, "CORE", NT_PRSTATUS, d, host->prstatus_size, err);
}

/* struct elf_prpsinfo on 64-bit Linux (136 bytes): pr_pid at +24, pr_fname at +40. */
static bool prpsinfo(notebuf *b, int pid, ghf_err *err)
{
    uint8_t d[136] = {0};
    uint32_t p = (uint32_t)pid;
    memcpy(d + 24, &p, 4);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/comm", pid);
    FILE *fp = fopen(path, "r");
    if (fp) {
        char comm[17] = {0};
        if (fgets(comm, sizeof comm, fp))
            memcpy(d + 40, comm, strcspn(comm, "\n"));
        fclose(fp);
    }
    return note(b, "CORE", NT_PRPSINFO, d, sizeof d, err);
}

static bool auxv(notebuf *b, int pid, ghf_err *err)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/auxv", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "process %d: cannot read %s: %s", pid, path, strerror(errno));
    uint8_t buf[8192];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n <= 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "process %d: empty %s", pid, path);
    return note(b, "CORE", NT_AUXV, buf, (size_t)n, err);
}

#define NT_FILE_NOTE 0x46494c45u

static bool nt_file(notebuf *b, const mapping_vec *m, ghf_err *err)
{
    notebuf d = {0};
    uint64_t count = 0, page = PAGE;
    for (size_t i = 0; i < m->n; i++)
        count += m->v[i].path != NULL;
    bool ok = nb_put(&d, &count, 8, err) && nb_put(&d, &page, 8, err);
    for (size_t i = 0; ok && i < m->n; i++)
        if (m->v[i].path) {
            uint64_t e[3] = {m->v[i].start, m->v[i].end, m->v[i].offset / PAGE};
            ok = nb_put(&d, e, sizeof e, err);
        }
    for (size_t i = 0; ok && i < m->n; i++)
        if (m->v[i].path)
            ok = nb_put(&d, m->v[i].path, strlen(m->v[i].path) + 1, err);
    ok = ok && note(b, "CORE", NT_FILE_NOTE, d.p, d.n, err);
    free(d.p);
    return ok;
}

/* ---- copying --------------------------------------------------------- */

/* Copy [addr, addr+len) of the process to dst; pages that cannot be read
 * stay zero. Returns the bytes read. */
static uint64_t copy_range(int pid, uint64_t addr, uint64_t len, uint8_t *dst)
{
    uint64_t done = 0, got = 0;
    while (done < len) {
        size_t chunk = len - done > (64u << 20) ? (64u << 20) : (size_t)(len - done);
        struct iovec local = {dst + done, chunk}, remote = {(void *)(uintptr_t)(addr + done), chunk};
        ssize_t r = process_vm_readv(pid, &local, 1, &remote, 1, 0);
        if (r > 0) {
            done += (uint64_t)r;
            got += (uint64_t)r;
            continue;
        }
        done = (done + PAGE) & ~(uint64_t)(PAGE - 1); /* an unreadable page: leave it zero, go on */
    }
    return got;
}

/* One range to copy: [addr, addr+len) of the process to dst. */
typedef struct run {
    uint64_t addr, len;
    uint8_t *dst;
} run;
typedef VEC(run) run_vec;

static bool add_run(run_vec *runs, uint64_t addr, uint64_t len, uint8_t *dst, ghf_err *err)
{
    if (len == 0)
        return true;
    return VEC_PUSH(runs, ((run){addr, len, dst}), err);
}

/* The touched pages of an anonymous mapping (present or swapped, per
 * /proc/PID/pagemap) as runs; untouched pages stay holes in the image, as
 * in a kernel core. Without pagemap, all of it. */
static bool touched_runs(int pagemap, const mapping *mp, uint8_t *dst, run_vec *runs, ghf_err *err)
{
    uint64_t npages = (mp->end - mp->start) / PAGE;
    if (pagemap < 0)
        return add_run(runs, mp->start, mp->end - mp->start, dst, err);
    uint64_t ent[512];
    uint64_t run_start = 0, run_len = 0;
    for (uint64_t i = 0; i < npages; i += 512) {
        uint64_t k = npages - i < 512 ? npages - i : 512;
        ssize_t r = pread(pagemap, ent, k * 8, (off_t)((mp->start / PAGE + i) * 8));
        for (uint64_t j = 0; j < k; j++) {
            bool touched = r != (ssize_t)(k * 8) || ((ent[j] >> 62) & 3); /* bit 63 present, 62 swapped */
            uint64_t pg = i + j;
            if (touched && run_len > 0 && run_start + run_len == pg) {
                run_len++;
                continue;
            }
            if (run_len > 0 && !add_run(runs, mp->start + run_start * PAGE, run_len * PAGE, dst + run_start * PAGE, err))
                return false;
            run_len = touched;
            run_start = pg;
        }
    }
    return run_len == 0 || add_run(runs, mp->start + run_start * PAGE, run_len * PAGE, dst + run_start * PAGE, err);
}

typedef struct copier {
    int pid;
    const run *runs;
    size_t from, to;  /* runs[from, to) */
    uint64_t skip_first, stop_last; /* a run split between the two copiers */
    uint64_t copied;
} copier;

static void *copy_runs(void *arg)
{
    copier *cp = arg;
    for (size_t i = cp->from; i < cp->to; i++) {
        const run *r = &cp->runs[i];
        uint64_t lo = i == cp->from ? cp->skip_first : 0, hi = i + 1 == cp->to && cp->stop_last ? cp->stop_last : r->len;
        cp->copied += copy_range(cp->pid, r->addr + lo, hi - lo, r->dst + lo);
    }
    return NULL;
}

/* Copy every run, split at the middle byte between this thread and one
 * more: the pause is this copy, and the machine has at least two cores. */
static uint64_t copy_all_runs(int pid, const run_vec *runs)
{
    uint64_t total = 0, half, seen = 0;
    for (size_t i = 0; i < runs->n; i++)
        total += runs->v[i].len;
    half = (total / 2) & ~(uint64_t)(PAGE - 1);
    size_t mid = 0;
    while (mid < runs->n && seen + runs->v[mid].len <= half)
        seen += runs->v[mid++].len;
    copier a = {pid, runs->v, 0, mid, 0, 0, 0}, b = {pid, runs->v, mid, runs->n, 0, 0, 0};
    if (mid < runs->n) {
        a.to = mid + 1;               /* a copies the first part of runs[mid] */
        a.stop_last = half - seen;
        b.skip_first = half - seen;   /* b the rest */
        if (a.stop_last == 0)
            a.to = mid;
    }
    pthread_t t;
    bool threaded = total >= (16u << 20) && pthread_create(&t, NULL, copy_runs, &b) == 0;
    copy_runs(&a);
    if (threaded)
        pthread_join(t, NULL);
    else
        copy_runs(&b);
    return a.copied + b.copied;
}

/* The runs to copy: every mapping's bytes that a kernel core would keep. */
static bool image_runs(int pagemap, const mapping_vec *maps, uint8_t *image, run_vec *runs, ghf_err *err)
{
    runs->n = 0;
    for (size_t i = 0; i < maps->n; i++) {
        const mapping *mp = &maps->v[i];
        bool whole = mp->header_only || mp->copy_all;
        if (mp->filesz != 0 && !(whole ? add_run(runs, mp->start, mp->filesz, image + mp->file_off, err)
                                       : touched_runs(pagemap, mp, image + mp->file_off, runs, err)))
            return false;
    }
    return true;
}

/* Fault in the image pages the copy will write. Done before the process is
 * stopped: a page fault per page (or per 2 MiB with huge pages) is a large
 * part of copying a gigabyte, more still the first time a virtual machine
 * hands its guest fresh memory, and none of it needs the process stopped. */
static void prefault(const run_vec *runs)
{
    for (size_t i = 0; i < runs->n; i++) {
        uint8_t *p = runs->v[i].dst;
        size_t n = runs->v[i].len;
#ifdef MADV_POPULATE_WRITE
        if (madvise(p, n, MADV_POPULATE_WRITE) == 0)
            continue;
#endif
        for (size_t k = 0; k < n; k += PAGE)
            ((volatile uint8_t *)p)[k] = 0;
    }
}

/* ---- the whole snapshot ---------------------------------------------- */

/* The image's memory: anonymous, with transparent huge pages (one fault per
 * 2 MiB instead of one per page). Pages never written stay holes. */
static uint8_t *map_image(size_t size)
{
    uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p != MAP_FAILED)
        madvise(p, size, MADV_HUGEPAGE);
    return p;
}

/* Room left after the mappings' bytes for the notes (one NT_PRSTATUS per
 * thread, the NT_FILE table): virtual, so it costs nothing unused; more is
 * made with mremap. */
#define NOTES_ROOM (1u << 20)

bool live_snapshot(int pid, const char *exe_path, uint8_t **image_out, size_t *size_out, live_stats *st,
                   ghf_err *err)
{
    *image_out = NULL;
    *size_out = 0;
    *st = (live_stats){0};
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/%d", pid);
    struct stat sb;
    if (pid <= 0 || stat(proc, &sb) != 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "no process %d", pid);
    if (pid == getpid())
        return ghf_fail(err, GHF_EXIT_INPUT, "process %d is goheapflame itself", pid);
    if (!check_exe(pid, exe_path, err))
        return false;

    tracee_vec threads = {0};
    mapping_vec maps = {0}, before = {0};
    notebuf notes = {0};
    run_vec runs = {0};
    int pagemap = -1;
    uint8_t *image = MAP_FAILED;
    size_t image_size = 0, mapped = 0;
    uint64_t data_end = 0;
    bool ok = false;

    /* While the process still runs: lay out the image by its mappings and
     * fault in the pages its copy will fill (prefault). If the mappings are
     * the same once it is stopped, the copy writes into memory that is
     * already there. */
    snprintf(proc, sizeof proc, "/proc/%d/pagemap", pid);
    pagemap = open(proc, O_RDONLY | O_CLOEXEC);
    ghf_err ignored = {0}; /* what fails here fails again below, and is reported there */
    if (read_maps(pid, &before, &ignored)) {
        data_end = lay_out(&before);
        mapped = data_end + NOTES_ROOM;
        image = map_image(mapped);
        if (image != MAP_FAILED) {
            if (pagemap >= 0 && image_runs(pagemap, &before, image, &runs, &ignored))
                prefault(&runs); /* without pagemap a run is a whole mapping: too much to fault in */
        }
    }

    double t0 = now();
    if (!stop_all(pid, &threads, err) || !read_maps(pid, &maps, err))
        goto out;
    if (pagemap < 0) /* refused before we were its tracer? */
        pagemap = open(proc, O_RDONLY | O_CLOEXEC);
    if (image == MAP_FAILED || !same_maps(&before, &maps)) {
        if (image != MAP_FAILED)
            munmap(image, mapped);
        data_end = lay_out(&maps);
        mapped = data_end + NOTES_ROOM;
        image = map_image(mapped);
        if (image == MAP_FAILED) {
            ghf_fail(err, GHF_EXIT_INTERNAL, "cannot allocate the core image (%llu bytes): %s",
                     (unsigned long long)mapped, strerror(errno));
            goto out;
        }
    } else {
        lay_out(&maps);
    }

    /* Notes: the thread whose tid is the pid first, as a kernel core has it. */
    for (size_t i = 0; i < threads.n; i++)
        if (threads.v[i].tid == pid && i != 0) {
            tracee tmp = threads.v[0];
            threads.v[0] = threads.v[i];
            threads.v[i] = tmp;
        }
    for (size_t i = 0; i < threads.n; i++) {
        if (!prstatus(&notes, &threads.v[i], err))
            goto out;
        if (i == 0 && !prpsinfo(&notes, pid, err))
            goto out;
    }
    if (!auxv(&notes, pid, err) || !nt_file(&notes, &maps, err))
        goto out;
    image_size = data_end + notes.n;
    if (image_size > mapped) {
        void *grown = mremap(image, mapped, image_size, MREMAP_MAYMOVE);
        if (grown == MAP_FAILED) {
            ghf_fail(err, GHF_EXIT_INTERNAL, "cannot allocate the core image (%llu bytes): %s",
                     (unsigned long long)image_size, strerror(errno));
            goto out;
        }
        image = grown;
        mapped = image_size;
    }

    size_t phnum = 1 + maps.n;
    Elf64_Ehdr eh = {0};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh.e_type = ET_CORE;
    eh.e_machine = arch_host()->elf_machine; /* check_exe made sure there is one */
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = phnum < PN_XNUM ? (Elf64_Half)phnum : PN_XNUM;
    if (phnum >= PN_XNUM) {
        ghf_fail(err, GHF_EXIT_INPUT, "process %d has %zu mappings, more than an ELF core without section headers "
                 "can describe", pid, maps.n);
        goto out;
    }
    memcpy(image, &eh, sizeof eh);
    Elf64_Phdr *ph = (Elf64_Phdr *)(image + sizeof eh);
    ph[0] = (Elf64_Phdr){.p_type = PT_NOTE, .p_offset = data_end, .p_filesz = notes.n, .p_align = 4};
    memcpy(image + data_end, notes.p, notes.n);
    for (size_t i = 0; i < maps.n; i++) {
        const mapping *mp = &maps.v[i];
        ph[1 + i] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = mp->prot, .p_offset = mp->file_off,
                                 .p_vaddr = mp->start, .p_filesz = mp->filesz, .p_memsz = mp->end - mp->start,
                                 .p_align = PAGE};
    }
    if (!image_runs(pagemap, &maps, image, &runs, err))
        goto out;
    st->copied_bytes = copy_all_runs(pid, &runs);
    ok = true;
out:
    detach_all(&threads);
    st->pause_s = threads.n ? now() - t0 : 0;
    st->threads = (unsigned)threads.n;
    st->image_bytes = image_size;
    if (pagemap >= 0)
        close(pagemap);
    maps_free(&maps);
    maps_free(&before);
    VEC_FREE(&threads);
    VEC_FREE(&runs);
    free(notes.p);
    if (!ok) {
        if (image != MAP_FAILED)
            munmap(image, mapped);
        return false;
    }
    /* the caller unmaps image_size bytes: give back the notes' unused room */
    size_t keep = (image_size + PAGE - 1) & ~(size_t)(PAGE - 1);
    if (keep < mapped)
        munmap(image + keep, mapped - keep);
    *image_out = image;
    *size_out = image_size;
    return true;
}

static bool zero_page(const uint8_t *p, size_t n)
{
    static const uint8_t zeros[PAGE];
    return memcmp(p, zeros, n) == 0;
}

bool live_save_core(const uint8_t *image, size_t size, const char *path, ghf_err *err)
{
    outfile of;
    if (!outfile_open(&of, path, err))
        return false;
    int out = fileno(of.fp);
    bool ok = true;
    /* runs of pages holding data; all-zero pages stay holes, as untouched
     * pages are in a kernel core */
    for (size_t at = 0; ok && at < size;) {
        size_t n = size - at < PAGE ? size - at : PAGE;
        if (zero_page(image + at, n)) {
            at += n;
            continue;
        }
        size_t end = at + n;
        while (end < size && end - at < (64u << 20)) {
            size_t k = size - end < PAGE ? size - end : PAGE;
            if (zero_page(image + end, k))
                break;
            end += k;
        }
        for (size_t w = at; ok && w < end;) {
            ssize_t r = pwrite(out, image + w, end - w, (off_t)w);
            ok = r > 0;
            w += r > 0 ? (size_t)r : 0;
        }
        at = end;
    }
    ok = ok && ftruncate(out, (off_t)size) == 0;
    if (!ok) {
        int e = errno;
        outfile_abort(&of);
        return ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write the core to %s: %s", path, strerror(e));
    }
    return outfile_commit(&of, err);
}
