/* output_common.c — frame escaping and the iterative tree walk shared by the
 * output writers (include/output.h). */
#include "output.h"

#include <errno.h>
#include <string.h>

size_t output_escape_frame(const char *name, char *out, bool stap)
{
    size_t n = 0;
    if (name[0] == '\0') { /* no frame may vanish; "-" as stackcollapse writes it */
        memcpy(out, "-", 2);
        return 1;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
        /* stackcollapse-stap.pl cuts a frame up to " : " and strips leading blanks */
        bool spaced_colon = stap && *p == ':' && p > (const unsigned char *)name && p[-1] == ' ' && p[1] == ' ';
        bool leading_blank = stap && *p == ' ' && p == (const unsigned char *)name;
        if (*p == '\\' || *p == ';' || spaced_colon || leading_blank) {
            out[n++] = '\\';
            out[n++] = (char)*p;
        } else if (*p < 0x20 || *p == 0x7f) {
            out[n++] = '?';
        } else {
            out[n++] = (char)*p;
        }
    }
    out[n] = '\0';
    return n;
}

bool output_walk(const wtree *t, output_visit_fn visit, void *ctx)
{
    const wtree_node *nd = t->nodes.v;
    uint32_t v = WTREE_ROOT, depth = 0;
    for (;;) {
        if (!visit(t, v, depth, true, ctx))
            return false;
        if (nd[v].first_child != WTREE_NONE) {
            v = nd[v].first_child;
            depth++;
            continue;
        }
        /* leave v and every ancestor that has no next sibling */
        for (;;) {
            if (!visit(t, v, depth, false, ctx))
                return false;
            if (v == WTREE_ROOT)
                return true;
            if (nd[v].next_sibling != WTREE_NONE) {
                v = nd[v].next_sibling;
                break;
            }
            v = nd[v].parent;
            depth--;
        }
    }
}

bool output_check(FILE *fp, ghf_err *err)
{
    if (fflush(fp) != 0 || ferror(fp))
        return ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write output: %s", strerror(errno ? errno : EIO));
    return true;
}

uint64_t output_self_weight(const wtree *t, uint32_t node, const output_opts *o)
{
    const wtree_node *nd = &t->nodes.v[node];
    return o != NULL && o->weight == OUTPUT_WEIGHT_COUNT ? nd->self_count : nd->self_bytes;
}
