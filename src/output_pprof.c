/* output_pprof.c — profile.proto (github.com/google/pprof/proto/profile.proto)
 * encoded by hand and gzip-compressed (include/output.h).
 *
 * Only the wire format's two shapes are needed: varints (wire type 0) and
 * length-delimited bytes (wire type 2: strings, sub-messages, packed
 * repeated integers). Sub-messages are built in a scratch buffer, then
 * appended with their length. */
#include "output.h"

#include <string.h>
#include <zlib.h>

typedef VEC(uint8_t) pbuf;

enum { /* Profile field numbers */
    PROFILE_SAMPLE_TYPE = 1, PROFILE_SAMPLE = 2, PROFILE_MAPPING = 3, PROFILE_LOCATION = 4, PROFILE_FUNCTION = 5,
    PROFILE_STRING_TABLE = 6, PROFILE_PERIOD_TYPE = 11, PROFILE_PERIOD = 12, PROFILE_COMMENT = 13,
    PROFILE_DEFAULT_SAMPLE_TYPE = 14,
};
enum { /* fixed string table entries */
    STR_EMPTY, STR_OBJECTS, STR_COUNT, STR_RETAINED_SPACE, STR_BYTES, STR_FIXED,
};
/* The values are retained (dominator-tree) figures, not pprof's inuse_*. */
static const char *const fixed_strings[STR_FIXED] = {"", "objects", "count", "retained_space", "bytes"};

static bool pb_varint(pbuf *b, uint64_t v, ghf_err *err)
{
    if (!VEC_RESERVE(b, b->n + 10, err))
        return false;
    while (v >= 0x80) {
        b->v[b->n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b->v[b->n++] = (uint8_t)v;
    return true;
}

static bool pb_uint(pbuf *b, uint32_t field, uint64_t v, ghf_err *err)
{
    return pb_varint(b, (uint64_t)field << 3 | 0, err) && pb_varint(b, v, err);
}

static bool pb_bytes(pbuf *b, uint32_t field, const void *p, size_t n, ghf_err *err)
{
    if (!pb_varint(b, (uint64_t)field << 3 | 2, err) || !pb_varint(b, n, err) ||
        !VEC_RESERVE(b, b->n + n, err))
        return false;
    if (n > 0)
        memcpy(b->v + b->n, p, n);
    b->n += n;
    return true;
}

static bool value_type(pbuf *out, pbuf *sub, uint32_t field, uint64_t type, uint64_t unit, ghf_err *err)
{
    sub->n = 0;
    return pb_uint(sub, 1, type, err) && pb_uint(sub, 2, unit, err) &&
           pb_bytes(out, field, sub->v, sub->n, err);
}

typedef struct pprof_ctx {
    pbuf out, sub, packed;
    uint32_t *fid;           /* name offset -> function/location id, 0 = none yet */
    VEC(uint32_t) funcs;     /* function id - 1 -> name offset */
    VEC(uint32_t) path;      /* location ids of the current node's frames, root first */
    ghf_err *err;
} pprof_ctx;

static bool pprof_visit(const wtree *t, uint32_t node, uint32_t depth, bool enter, void *vctx)
{
    pprof_ctx *c = vctx;
    if (node == WTREE_ROOT || !enter)
        return true;
    const wtree_node *nd = &t->nodes.v[node];
    uint32_t id = c->fid[nd->name];
    if (id == 0) {
        if (!VEC_PUSH(&c->funcs, nd->name, c->err))
            return false;
        id = c->fid[nd->name] = (uint32_t)c->funcs.n;
    }
    if (!VEC_RESERVE(&c->path, depth, c->err))
        return false;
    c->path.v[depth - 1] = id;
    c->path.n = depth;
    if (nd->self_bytes == 0 && nd->self_count == 0)
        return true;
    pbuf *s = &c->sub, *pk = &c->packed;
    s->n = 0;
    pk->n = 0;
    for (uint32_t i = depth; i-- > 0;) /* leaf first */
        if (!pb_varint(pk, c->path.v[i], c->err))
            return false;
    if (!pb_bytes(s, 1, pk->v, pk->n, c->err))
        return false;
    pk->n = 0;
    if (!pb_varint(pk, nd->self_count, c->err) || !pb_varint(pk, nd->self_bytes, c->err) ||
        !pb_bytes(s, 2, pk->v, pk->n, c->err))
        return false;
    return pb_bytes(&c->out, PROFILE_SAMPLE, s->v, s->n, c->err);
}

static bool encode(const wtree *t, pprof_ctx *c, const output_opts *o, ghf_err *err)
{
    pbuf *out = &c->out, *sub = &c->sub, *line = &c->packed;
    if (!value_type(out, sub, PROFILE_SAMPLE_TYPE, STR_OBJECTS, STR_COUNT, err) ||
        !value_type(out, sub, PROFILE_SAMPLE_TYPE, STR_RETAINED_SPACE, STR_BYTES, err))
        return false;
    c->fid = ghf_xcalloc(t->names.n, sizeof *c->fid, err);
    if (c->fid == NULL || !output_walk(t, pprof_visit, c))
        return false;
    /* strings: the fixed ones, then one per function in id order, then the
     * title, the binary and its build ID */
    uint64_t title_str = STR_FIXED + c->funcs.n, file_str = title_str + 1, build_str = title_str + 2;
    const char *binary = o != NULL && o->binary != NULL ? o->binary : "";
    const char *build_id = o != NULL && o->build_id != NULL ? o->build_id : "";
    /* One mapping, the executable, marked symbolized: pprof then neither looks
     * for the binary ("Main binary filename not available") nor re-symbolizes. */
    sub->n = 0;
    if (!pb_uint(sub, 1, 1, err) || !pb_uint(sub, 5, file_str, err) || !pb_uint(sub, 6, build_str, err) ||
        !pb_uint(sub, 7, 1, err) || !pb_bytes(out, PROFILE_MAPPING, sub->v, sub->n, err))
        return false;
    for (size_t i = 0; i < c->funcs.n; i++) {
        uint64_t id = i + 1, name = STR_FIXED + i;
        sub->n = 0;
        /* No system_name: pprof demangles only functions whose name equals
         * their system name, and its C++ heuristics would cut "(groups)" and
         * "<...>" out of type names, merging distinct frames. */
        if (!pb_uint(sub, 1, id, err) || !pb_uint(sub, 2, name, err) ||
            !pb_bytes(out, PROFILE_FUNCTION, sub->v, sub->n, err))
            return false;
        line->n = 0;
        sub->n = 0;
        if (!pb_uint(line, 1, id, err) || !pb_uint(sub, 1, id, err) || !pb_uint(sub, 2, 1, err) ||
            !pb_bytes(sub, 4, line->v, line->n, err) ||
            !pb_bytes(out, PROFILE_LOCATION, sub->v, sub->n, err))
            return false;
    }
    for (size_t i = 0; i < STR_FIXED; i++)
        if (!pb_bytes(out, PROFILE_STRING_TABLE, fixed_strings[i], strlen(fixed_strings[i]), err))
            return false;
    for (size_t i = 0; i < c->funcs.n; i++) {
        const char *name = t->names.v + c->funcs.v[i];
        if (name[0] == '\0')
            name = "-"; /* as the other writers: no frame without a name */
        if (!pb_bytes(out, PROFILE_STRING_TABLE, name, strlen(name), err))
            return false;
    }
    const char *title = o != NULL && o->title != NULL ? o->title : "";
    if (!pb_bytes(out, PROFILE_STRING_TABLE, title, strlen(title), err) ||
        !pb_bytes(out, PROFILE_STRING_TABLE, binary, strlen(binary), err) ||
        !pb_bytes(out, PROFILE_STRING_TABLE, build_id, strlen(build_id), err))
        return false;
    if (title[0] != '\0' && !pb_uint(out, PROFILE_COMMENT, title_str, err))
        return false;
    return value_type(out, sub, PROFILE_PERIOD_TYPE, STR_RETAINED_SPACE, STR_BYTES, err) &&
           pb_uint(out, PROFILE_PERIOD, 1, err) &&
           pb_uint(out, PROFILE_DEFAULT_SAMPLE_TYPE, STR_RETAINED_SPACE, err);
}

static bool gzip_to(FILE *fp, const uint8_t *data, size_t n, ghf_err *err)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "zlib: cannot start gzip compression");
    uint8_t chunk[65536];
    zs.next_in = (Bytef *)data;
    int rc;
    do {
        /* avail_in is 32 bits: feed large profiles in pieces */
        size_t done = (size_t)(zs.next_in - (const Bytef *)data);
        if (zs.avail_in == 0 && done < n)
            zs.avail_in = (uInt)(n - done > (1u << 30) ? (1u << 30) : n - done);
        bool last = done + zs.avail_in == n;
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        rc = deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_STREAM_ERROR) {
            deflateEnd(&zs);
            return ghf_fail(err, GHF_EXIT_INTERNAL, "zlib: gzip compression failed");
        }
        size_t have = sizeof chunk - zs.avail_out;
        if (have > 0 && fwrite(chunk, 1, have, fp) != have) {
            deflateEnd(&zs);
            return output_check(fp, err) && ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write output");
        }
    } while (rc != Z_STREAM_END);
    deflateEnd(&zs);
    return true;
}

bool output_pprof(const wtree *t, FILE *fp, const output_opts *o, ghf_err *err)
{
    pprof_ctx c = {.err = err};
    bool ok = encode(t, &c, o, err) && gzip_to(fp, c.out.v, c.out.n, err) && output_check(fp, err);
    VEC_FREE(&c.out);
    VEC_FREE(&c.sub);
    VEC_FREE(&c.packed);
    VEC_FREE(&c.funcs);
    VEC_FREE(&c.path);
    free(c.fid);
    return ok;
}
