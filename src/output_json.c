/* output_json.c — the tree as nested JSON objects (include/output.h). */
#include "output.h"

#include <inttypes.h>
#include <string.h>

const char *output_kind_name(uint32_t kind)
{
    switch (kind) {
    case WTREE_KIND_FRAME: return "frame";
    case WTREE_KIND_ROOT_GLOBAL: return "root_global";
    case WTREE_KIND_ROOT_STACK: return "root_stack";
    case WTREE_KIND_ROOT_OTHER: return "root_other";
    case WTREE_KIND_SHARED: return "shared";
    case WTREE_KIND_MORE: return "more";
    default: return "frame";
    }
}

const char *output_type_kind_name(uint32_t k)
{
    static const char *const names[WTYPE__COUNT] = {
        [WTYPE_NONE] = NULL, [WTYPE_STRUCT] = "struct", [WTYPE_POINTER] = "pointer",
        [WTYPE_SLICE] = "slice", [WTYPE_BYTES] = "bytes", [WTYPE_MAP] = "map",
        [WTYPE_CLOSURE] = "closure", [WTYPE_CHAN] = "chan", [WTYPE_INTERFACE] = "interface",
        [WTYPE_SCALAR] = "scalar", [WTYPE_UNKNOWN] = "unknown"};
    return k < WTYPE__COUNT ? names[k] : NULL;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *p)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) /* also stops at the NUL */
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0; /* overlong or surrogate or out of range */
    return n;
}

static void json_chars(FILE *fp, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        if (*p == '"' || *p == '\\') {
            fputc('\\', fp);
            fputc(*p++, fp);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(fp, "\\u%04x", *p++);
        } else {
            size_t n = utf8_len(p);
            if (n == 0) {
                fputs("\\ufffd", fp);
                p++;
            } else {
                fwrite(p, 1, n, fp);
                p += n;
            }
        }
    }
}

void output_json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    json_chars(fp, s);
    fputc('"', fp);
}

static void json_string_parts(FILE *fp, const char *a, const char *b)
{
    fputc('"', fp);
    json_chars(fp, a);
    json_chars(fp, b);
    fputc('"', fp);
}

typedef struct json_ctx {
    FILE *fp;
    ghf_err *err;
} json_ctx;

static bool json_visit(const wtree *t, uint32_t node, uint32_t depth, bool enter, void *vctx)
{
    json_ctx *c = vctx;
    FILE *fp = c->fp;
    if (!enter) {
        fputs("]}", fp);
        return !ferror(fp) || output_check(fp, c->err);
    }
    const wtree_node *nd = &t->nodes.v[node];
    if (node != WTREE_ROOT && t->nodes.v[nd->parent].first_child != node)
        fputc(',', fp);
    fputs("\n{\"name\":", fp);
    output_json_string(fp, node == WTREE_ROOT ? "all" : wtree_name(t, node));
    if (node != WTREE_ROOT) {
        char suffix[96];
        if (wtree_label_suffix(t, node, suffix, sizeof suffix) > 0) {
            /* the label people see; "name" stays the identity */
            fputs(",\"label\":", fp);
            json_string_parts(fp, wtree_name(t, node), suffix);
        }
        const char *tk = output_type_kind_name(nd->type_kind);
        if (tk != NULL)
            fprintf(fp, ",\"type_kind\":\"%s\"", tk);
        if (nd->ntypes > 0)
            fprintf(fp, ",\"types\":%" PRIu32, nd->ntypes);
        const wtree_holders *hs = wtree_get_holders(t, node);
        if (hs != NULL) { /* a shared frame: the roots holding it, not only the label's */
            fputs(",\"holders\":[", fp);
            const char *p = t->names.v + hs->names;
            for (uint32_t i = 0; i < hs->nnames; i++) {
                size_t len = strcspn(p, "\n");
                char one[1024];
                snprintf(one, sizeof one, "%.*s", (int)len, p);
                if (i)
                    fputc(',', fp);
                output_json_string(fp, one);
                p += len + (p[len] == '\n');
            }
            fprintf(fp, "],\"holders_more\":%" PRIu32, hs->total - hs->nnames);
        }
    }
    fprintf(fp, ",\"kind\":\"%s\",\"self_bytes\":%" PRIu64 ",\"total_bytes\":%" PRIu64
                ",\"self_count\":%" PRIu64 ",\"total_count\":%" PRIu64 ",\"children\":[",
            node == WTREE_ROOT ? "all" : output_kind_name(nd->kind), nd->self_bytes, nd->total_bytes,
            nd->self_count, nd->total_count);
    return true;
}

bool output_json(const wtree *t, FILE *fp, const output_opts *o, ghf_err *err)
{
    json_ctx c = {.fp = fp, .err = err};
    fputs("{\"title\":", fp);
    if (o != NULL && o->title != NULL)
        output_json_string(fp, o->title);
    else
        fputs("null", fp);
    fputs(",\"unit\":\"bytes\",\"tree\":", fp);
    if (!output_walk(t, json_visit, &c))
        return false;
    fputs("}\n", fp);
    return output_check(fp, err);
}
