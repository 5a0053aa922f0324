/* folded.c — folded-stack parser (see include/folded.h for the format). */
#include "folded.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* One frame of the previous line, to skip lookups for a shared prefix:
 * sorted folded files repeat long prefixes line after line. */
typedef struct prev_frame {
    const char *raw;
    size_t len;
    uint32_t node;
} prev_frame;

typedef struct parser {
    wtree *t;
    const char *what;
    const folded_opts *o;
    VEC(prev_frame) prev;
    VEC(char) unesc;
    VEC(prev_frame) frames; /* frames of the current line */
    uint64_t total;
} parser;

static bool parse_count(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* Node for one raw frame under parent, unescaping when needed. */
static bool frame_node(parser *p, uint32_t parent, const char *raw, size_t len,
                       uint32_t *out, ghf_err *err)
{
    if (memchr(raw, '\\', len) == NULL)
        return wtree_child(p->t, parent, raw, len, out, err);
    p->unesc.n = 0;
    if (!VEC_RESERVE(&p->unesc, len, err))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = raw[i];
        if (c == '\\' && i + 1 < len && (raw[i + 1] == ';' || raw[i + 1] == '\\'))
            c = raw[++i];
        p->unesc.v[p->unesc.n++] = c;
    }
    return wtree_child(p->t, parent, p->unesc.v, p->unesc.n, out, err);
}

static bool parse_line(parser *p, const char *s, size_t n, size_t lineno, ghf_err *err)
{
    if (n > 0 && s[n - 1] == '\r')
        n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0)
        return true;
    if (memchr(s, '\0', n) != NULL)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: NUL byte in a folded line", p->what, lineno);
    size_t sp = n;
    while (sp > 0 && s[sp - 1] != ' ' && s[sp - 1] != '\t')
        sp--;
    uint64_t count = 0;
    if (sp == 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: no count after the stack (expected \"a;b;c 123\")",
                        p->what, lineno);
    if (!parse_count(s + sp, n - sp, &count))
        return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: count '%.*s' is not a non-negative 64-bit integer",
                        p->what, lineno, (int)(n - sp > 40 ? 40 : n - sp), s + sp);
    size_t stack_len = sp;
    while (stack_len > 0 && (s[stack_len - 1] == ' ' || s[stack_len - 1] == '\t'))
        stack_len--;
    if (stack_len == 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: empty stack before the count", p->what, lineno);
    if (count > UINT64_MAX - p->total)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: counts add up to more than 2^64", p->what, lineno);
    p->total += count;

    /* Split into raw frames at unescaped ';'. */
    p->frames.n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= stack_len; i++) {
        if (i + 1 < stack_len && s[i] == '\\') {
            i++; /* the next byte is escaped (or kept literally) */
            continue;
        }
        if (i == stack_len || s[i] == ';') {
            size_t flen = i - start;
            if (flen == 0)
                return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: empty frame in stack (\";;\", or ';' at an end)",
                                p->what, lineno);
            prev_frame f = {s + start, flen, 0};
            if (!VEC_PUSH(&p->frames, f, err))
                return false;
            start = i + 1;
        }
    }
    size_t nf = p->frames.n;
    if (p->o != NULL && p->o->reverse)
        for (size_t i = 0; i < nf / 2; i++) {
            prev_frame tmp = p->frames.v[i];
            p->frames.v[i] = p->frames.v[nf - 1 - i];
            p->frames.v[nf - 1 - i] = tmp;
        }

    uint32_t node = WTREE_ROOT;
    size_t same = 0;
    while (same < nf && same < p->prev.n && p->prev.v[same].len == p->frames.v[same].len &&
           memcmp(p->prev.v[same].raw, p->frames.v[same].raw, p->frames.v[same].len) == 0) {
        node = p->prev.v[same].node;
        p->frames.v[same].node = node;
        same++;
    }
    for (size_t i = same; i < nf; i++) {
        if (!frame_node(p, node, p->frames.v[i].raw, p->frames.v[i].len, &node, err))
            return false;
        p->frames.v[i].node = node;
    }
    wtree_add(p->t, node, count, 1);
    /* The current frames become the previous line's. */
    VEC(prev_frame) tmp = {p->prev.v, p->prev.n, p->prev.cap};
    p->prev.v = p->frames.v;
    p->prev.n = p->frames.n;
    p->prev.cap = p->frames.cap;
    p->frames.v = tmp.v;
    p->frames.n = 0;
    p->frames.cap = tmp.cap;
    return true;
}

/* release_mapped: buf is a private file mapping we may drop pages of once
 * parsed (only the previous line is referenced afterwards), so a large
 * input does not stay resident next to the tree built from it. */
static bool parse_buffer(wtree *t, const char *buf, size_t len, const char *what,
                         const folded_opts *o, bool release_mapped, ghf_err *err)
{
    parser p = {.t = t, .what = what, .o = o};
    bool ok = true;
    size_t lineno = 0;
    const char *s = buf, *end = buf + len;
    const size_t chunk = (size_t)16 << 20;
    size_t released = 0;
    while (s < end) {
        size_t done = (size_t)(s - buf);
        if (release_mapped && done >= released + 2 * chunk) {
            /* Keep the last chunk: the previous line may reach back into it. */
            madvise((char *)buf + released, chunk, MADV_DONTNEED);
            released += chunk;
        }
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        lineno++;
        if (!parse_line(&p, s, (size_t)(e - s), lineno, err)) {
            ok = false;
            break;
        }
        s = nl ? nl + 1 : end;
    }
    VEC_FREE(&p.prev);
    VEC_FREE(&p.frames);
    VEC_FREE(&p.unesc);
    if (ok)
        wtree_finish(t);
    return ok;
}

bool folded_parse(wtree *t, const char *buf, size_t len, const char *what,
                  const folded_opts *o, ghf_err *err)
{
    return parse_buffer(t, buf, len, what, o, false, err);
}

static bool load_stdin(wtree *t, const folded_opts *o, ghf_err *err)
{
    VEC(char) buf = {0};
    for (;;) {
        if (!VEC_RESERVE(&buf, buf.n + 65536, err)) {
            VEC_FREE(&buf);
            return false;
        }
        ssize_t r = read(0, buf.v + buf.n, buf.cap - buf.n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            VEC_FREE(&buf);
            return ghf_fail(err, GHF_EXIT_INPUT, "cannot read standard input: %s", strerror(errno));
        }
        if (r == 0)
            break;
        buf.n += (size_t)r;
    }
    bool ok = folded_parse(t, buf.v ? buf.v : "", buf.n, "<stdin>", o, err);
    VEC_FREE(&buf);
    return ok;
}

bool folded_load(wtree *t, const char *path, const folded_opts *o, ghf_err *err)
{
    if (strcmp(path, "-") == 0)
        return load_stdin(t, o, err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ghf_fail(err, GHF_EXIT_INPUT, "%s: not a regular file", path);
    }
    if (st.st_size == 0) {
        close(fd);
        return folded_parse(t, "", 0, path, o, err);
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot map %s: %s", path, strerror(errno));
    madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
    bool ok = parse_buffer(t, m, (size_t)st.st_size, path, o, true, err);
    munmap(m, (size_t)st.st_size);
    return ok;
}

bool folded_write_frame(FILE *fp, const char *name)
{
    for (const char *c = name; *c; c++) {
        if ((*c == ';' || *c == '\\') && putc('\\', fp) == EOF)
            return false;
        if (putc(*c, fp) == EOF)
            return false;
    }
    return true;
}
