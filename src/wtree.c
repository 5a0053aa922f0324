/* wtree.c — weighted tree with interned names and (parent, name) lookup. */
#include "wtree.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"

static uint64_t hash_bytes(const char *s, size_t n, uint64_t seed)
{
    return ghf_hash(s, n) ^ seed;
}

/* 32-bit hash of (parent, name): it picks the slot and is kept in the slot
 * as a tag, so probing and growing rarely touch the (cold) node array. */
static uint32_t child_tag(uint32_t parent, uint32_t name)
{
    uint64_t k = (uint64_t)parent << 32 | name;
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    return (uint32_t)(k ^ (k >> 33));
}

static bool child_rehash(wtree *t, size_t want, ghf_err *err)
{
    if (want > ((size_t)1 << 32))
        return ghf_fail(err, GHF_EXIT_INTERNAL, "too many frames");
    uint64_t *nt = ghf_xcalloc(want, sizeof *nt, err);
    if (nt == NULL)
        return false;
    for (size_t i = 0; i < t->child_hash_cap; i++) {
        uint64_t e = t->child_hash[i];
        if (e == 0)
            continue;
        size_t j = (e >> 32) & (want - 1);
        while (nt[j] != 0)
            j = (j + 1) & (want - 1);
        nt[j] = e;
    }
    free(t->child_hash);
    t->child_hash = nt;
    t->child_hash_cap = want;
    return true;
}

static bool rehash(uint32_t **tab, size_t *cap, size_t want, ghf_err *err,
                   uint64_t (*key)(const wtree *, uint32_t), const wtree *t)
{
    uint32_t *nt = ghf_xcalloc(want, sizeof *nt, err);
    if (nt == NULL)
        return false;
    for (size_t i = 0; i < *cap; i++) {
        if ((*tab)[i] == 0)
            continue;
        size_t j = key(t, (*tab)[i] - 1) & (want - 1);
        while (nt[j] != 0)
            j = (j + 1) & (want - 1);
        nt[j] = (*tab)[i];
    }
    free(*tab);
    *tab = nt;
    *cap = want;
    return true;
}

static uint64_t name_key(const wtree *t, uint32_t off)
{
    const char *s = t->names.v + off;
    return hash_bytes(s, strlen(s), 0);
}

bool wtree_init(wtree *t, ghf_err *err)
{
    memset(t, 0, sizeof *t);
    if (!VEC_PUSH(&t->names, '\0', err)) /* offset 0 = the empty name */
        return false;
    wtree_node root = {.name = 0, .parent = WTREE_NONE, .first_child = WTREE_NONE,
                       .last_child = WTREE_NONE, .next_sibling = WTREE_NONE};
    return VEC_PUSH(&t->nodes, root, err) && VEC_PUSH(&t->nchildren, 0, err);
}

void wtree_free(wtree *t)
{
    VEC_FREE(&t->nodes);
    VEC_FREE(&t->names);
    VEC_FREE(&t->holders);
    VEC_FREE(&t->nchildren);
    free(t->name_hash);
    free(t->child_hash);
    memset(t, 0, sizeof *t);
}

/* The name table's slot holding s[0..n), or the empty slot where it would
 * go. The table must have a slot (name_hash_cap > 0). */
static size_t name_slot(const wtree *t, const char *s, size_t n)
{
    size_t mask = t->name_hash_cap - 1;
    size_t j = hash_bytes(s, n, 0) & mask;
    for (; t->name_hash[j] != 0; j = (j + 1) & mask) {
        /* (names hold no NUL: a name of length n ends at c[n], which lies
         * inside the table when the candidate is that long) */
        uint32_t off = t->name_hash[j] - 1;
        const char *c = t->names.v + off;
        if (off + n < t->names.n && c[n] == '\0' && memcmp(c, s, n) == 0)
            break;
    }
    return j;
}

static bool intern(wtree *t, const char *s, size_t n, uint32_t *out, ghf_err *err)
{
    if ((t->nnames + 1) * 2 > t->name_hash_cap &&
        !rehash(&t->name_hash, &t->name_hash_cap, t->name_hash_cap ? t->name_hash_cap * 2 : 256,
                err, name_key, t))
        return false;
    size_t j = name_slot(t, s, n);
    if (t->name_hash[j] != 0) {
        *out = t->name_hash[j] - 1;
        return true;
    }
    if (t->names.n + n + 1 > UINT32_MAX - 1)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "frame names exceed 4 GiB");
    uint32_t off = (uint32_t)t->names.n;
    if (!VEC_RESERVE(&t->names, t->names.n + n + 1, err))
        return false;
    memcpy(t->names.v + off, s, n);
    t->names.v[off + n] = '\0';
    t->names.n += n + 1;
    t->name_hash[j] = off + 1;
    t->nnames++;
    *out = off;
    return true;
}

bool wtree_child(wtree *t, uint32_t parent, const char *name, size_t len,
                 uint32_t *out, ghf_err *err)
{
    uint32_t nm = 0;
    return intern(t, name, len, &nm, err) && wtree_child_id(t, parent, nm, out, err);
}

bool wtree_name_id(wtree *t, const char *name, size_t len, uint32_t *out, ghf_err *err)
{
    return intern(t, name, len, out, err);
}

bool wtree_set_holders(wtree *t, uint32_t node, const char *names, uint32_t nnames, uint32_t total, ghf_err *err)
{
    wtree_holders h = {.node = node, .nnames = nnames, .total = total};
    if (t->holders.n > 0 && t->holders.v[t->holders.n - 1].node >= node)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "holders recorded out of order");
    return intern(t, names, strlen(names), &h.names, err) && VEC_PUSH(&t->holders, h, err);
}

const wtree_holders *wtree_get_holders(const wtree *t, uint32_t node)
{
    size_t lo = 0, hi = t->holders.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->holders.v[mid].node < node)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->holders.n && t->holders.v[lo].node == node ? &t->holders.v[lo] : NULL;
}

/* Put node id (a child of parent) into the (parent, name) hash. */
static bool child_hash_insert(wtree *t, uint32_t parent, uint32_t id, ghf_err *err)
{
    if ((t->child_hash_n + 1) * 2 > t->child_hash_cap &&
        !child_rehash(t, t->child_hash_cap ? t->child_hash_cap * 2 : 256, err))
        return false;
    size_t mask = t->child_hash_cap - 1;
    uint32_t tag = child_tag(parent, t->nodes.v[id].name);
    size_t j = tag & mask;
    while (t->child_hash[j] != 0)
        j = (j + 1) & mask;
    t->child_hash[j] = (uint64_t)tag << 32 | (id + 1);
    t->child_hash_n++;
    return true;
}

/* The child of parent named nm, or WTREE_NONE. Most parents have a few
 * children, touched a moment ago: walking their list is cheaper than a
 * probe into a table as large as the tree (a cache miss each, and the
 * table's pages to fault in). Parents with many children use the table. */
static uint32_t child_lookup(const wtree *t, uint32_t parent, uint32_t nm)
{
    if (t->nchildren.v[parent] <= WTREE_LIST_MAX) {
        for (uint32_t c = t->nodes.v[parent].first_child; c != WTREE_NONE; c = t->nodes.v[c].next_sibling)
            if (t->nodes.v[c].name == nm)
                return c;
        return WTREE_NONE;
    }
    size_t mask = t->child_hash_cap - 1;
    uint32_t tag = child_tag(parent, nm);
    for (size_t j = tag & mask; t->child_hash[j] != 0; j = (j + 1) & mask) {
        uint64_t e = t->child_hash[j];
        if ((uint32_t)(e >> 32) != tag)
            continue;
        uint32_t id = (uint32_t)e - 1;
        if (t->nodes.v[id].parent == parent && t->nodes.v[id].name == nm)
            return id;
    }
    return WTREE_NONE;
}

/* Nodes are appended in order: their pages are mapped this many ahead. */
#define NODES_PREFAULT 32768u /* 2 MiB of nodes */

bool wtree_child_id(wtree *t, uint32_t parent, uint32_t nm, uint32_t *out, ghf_err *err)
{
    uint32_t found = child_lookup(t, parent, nm);
    if (found != WTREE_NONE) {
        *out = found;
        return true;
    }
    if (t->nodes.n >= UINT32_MAX - 1)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "too many frames");
    uint32_t id = (uint32_t)t->nodes.n;
    wtree_node n = {.name = nm, .parent = parent, .first_child = WTREE_NONE,
                    .last_child = WTREE_NONE, .next_sibling = WTREE_NONE};
    if (!VEC_PUSH(&t->nodes, n, err) || !VEC_PUSH(&t->nchildren, 0, err))
        return false;
    if (id % NODES_PREFAULT == 0) /* the next stretch of nodes, mapped in one call */
        ghf_prefault(&t->nodes.v[id], (t->nodes.cap - id < NODES_PREFAULT ? t->nodes.cap - id : NODES_PREFAULT) *
                                          sizeof *t->nodes.v);
    wtree_node *p = &t->nodes.v[parent];
    if (p->last_child == WTREE_NONE)
        p->first_child = id;
    else
        t->nodes.v[p->last_child].next_sibling = id;
    p->last_child = id;
    uint8_t had = t->nchildren.v[parent];
    if (had < WTREE_LIST_MAX) {
        t->nchildren.v[parent] = had + 1;
    } else if (had == WTREE_LIST_MAX) { /* outgrew its list: index all its children */
        t->nchildren.v[parent] = WTREE_LIST_MAX + 1;
        for (uint32_t c = t->nodes.v[parent].first_child; c != WTREE_NONE; c = t->nodes.v[c].next_sibling)
            if (!child_hash_insert(t, parent, c, err))
                return false;
    } else if (!child_hash_insert(t, parent, id, err)) {
        return false;
    }
    *out = id;
    return true;
}

void wtree_add(wtree *t, uint32_t node, uint64_t bytes, uint64_t count)
{
    t->nodes.v[node].self_bytes += bytes;
    t->nodes.v[node].self_count += count;
}

void wtree_finish(wtree *t)
{
    wtree_node *nd = t->nodes.v;
    if (t->finished) /* totals hold an earlier sum: start again from zero */
        for (size_t i = 0; i < t->nodes.n; i++)
            nd[i].total_bytes = nd[i].total_count = 0;
    /* One pass, children before parents (a child's id is larger): when node
     * i is reached its children have added their totals to it already. */
    for (size_t i = t->nodes.n; i-- > 0;) {
        nd[i].total_bytes += nd[i].self_bytes;
        nd[i].total_count += nd[i].self_count;
        if (i > 0) {
            nd[nd[i].parent].total_bytes += nd[i].total_bytes;
            nd[nd[i].parent].total_count += nd[i].total_count;
        }
    }
    t->finished = true;
}

bool wtree_rename(wtree *t, uint32_t node, const char *name, ghf_err *err)
{
    uint32_t nm;
    if (!intern(t, name, strlen(name), &nm, err))
        return false;
    t->nodes.v[node].name = nm;
    return true;
}

uint32_t wtree_find(const wtree *t, uint32_t parent, const char *name, size_t len)
{
    if (t->name_hash_cap == 0 || parent >= t->nodes.n)
        return WTREE_NONE;
    size_t j = name_slot(t, name, len);
    return t->name_hash[j] != 0 ? child_lookup(t, parent, t->name_hash[j] - 1) : WTREE_NONE;
}

size_t wtree_group_digits(uint64_t v, char *buf, size_t cap)
{
    char raw[24];
    int n = snprintf(raw, sizeof raw, "%" PRIu64, v);
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0 && k + 1 < cap)
            buf[k++] = ',';
        if (k + 1 < cap)
            buf[k++] = raw[i];
    }
    if (cap > 0)
        buf[k] = '\0';
    return k;
}

size_t wtree_label_suffix(const wtree *t, uint32_t node, char *buf, size_t cap)
{
    const wtree_node *n = &t->nodes.v[node];
    if (cap > 0)
        buf[0] = '\0';
    if (!t->objects || node == WTREE_ROOT || n->kind == WTREE_KIND_MORE || n->self_count == 0)
        return 0;
    char count[32];
    wtree_group_digits(n->self_count, count, sizeof count);
    int len;
    if (n->kind == WTREE_KIND_FRAME && n->ntypes <= 1) {
        if (n->self_count < 2)
            return 0;
        len = snprintf(buf, cap, " \xc3\x97%s", count);
    } else { /* several types, or objects folded into a root frame */
        uint32_t k = n->ntypes ? n->ntypes : 1;
        len = snprintf(buf, cap, " [pruned: %s object%s of %" PRIu32 " type%s]", count,
                       n->self_count == 1 ? "" : "s", k, k == 1 ? "" : "s");
    }
    return len < 0 ? 0 : (size_t)len;
}

size_t wtree_label(const wtree *t, uint32_t node, char *buf, size_t cap)
{
    char suffix[96];
    wtree_label_suffix(t, node, suffix, sizeof suffix);
    int len = snprintf(buf, cap, "%s%s", wtree_name(t, node), suffix);
    return len < 0 ? 0 : (size_t)len;
}
