/* output_stap.c — SystemTap-style backtraces for stackcollapse-stap.pl
 * (include/output.h): frames leaf first, one per line, then the count. */
#include "output.h"

#include <inttypes.h>
#include <string.h>

/* A .bt frame: the shared escaping, '%' doubled (stackcollapse-stap.pl
 * prints each stack with printf, using it as the format), plus "+0x0" when
 * the script would otherwise cut at a '+' of the name or read the line as
 * a count. out must hold 4 * strlen(name) + 6 bytes. */
static size_t stap_frame(const char *name, char *out)
{
    size_t n = output_escape_frame(name, out, true);
    bool plain_count = true; /* only digits and blanks */
    size_t pct = 0;
    for (const char *p = out; *p != '\0'; p++) {
        if (!(*p == ' ' || (*p >= '0' && *p <= '9')))
            plain_count = false;
        pct += *p == '%';
    }
    if (pct > 0) { /* double each '%', back to front */
        size_t j = n + pct;
        out[j] = '\0';
        for (size_t i = n; i-- > 0;) {
            out[--j] = out[i];
            if (out[i] == '%')
                out[--j] = '%';
        }
        n += pct;
    }
    if (plain_count || strchr(out, '+') != NULL) {
        memcpy(out + n, "+0x0", 5);
        n += 4;
    }
    return n;
}

typedef struct stap_ctx {
    FILE *fp;
    const output_opts *o;
    VEC(char) buf;
    ghf_err *err;
} stap_ctx;

static bool stap_visit(const wtree *t, uint32_t node, uint32_t depth, bool enter, void *vctx)
{
    stap_ctx *c = vctx;
    if (node == WTREE_ROOT || !enter)
        return true;
    uint64_t w = output_self_weight(t, node, c->o);
    if (w == 0)
        return true;
    for (uint32_t v = node; v != WTREE_ROOT; v = t->nodes.v[v].parent) {
        const char *name = wtree_name(t, v);
        if (!VEC_RESERVE(&c->buf, 4 * strlen(name) + 6, c->err))
            return false;
        size_t n = stap_frame(name, c->buf.v);
        fputc(' ', c->fp);
        fwrite(c->buf.v, 1, n, c->fp);
        fputc('\n', c->fp);
    }
    fprintf(c->fp, "\t%" PRIu64 "\n\n", w);
    return !ferror(c->fp) || output_check(c->fp, c->err);
}

bool output_stap(const wtree *t, FILE *fp, const output_opts *o, ghf_err *err)
{
    stap_ctx c = {.fp = fp, .o = o, .err = err};
    bool ok = output_walk(t, stap_visit, &c) && output_check(fp, err);
    VEC_FREE(&c.buf);
    return ok;
}
