/* heap_types.c — GC pointer masks of runtime type descriptors.
 *
 * The 1.22+ heap states an object's layout through a *abi.Type (malloc
 * header or span.largeType). This file turns such a type address into its
 * pointer mask, cached per type so millions of objects cost one decode each.
 * Since 1.24 a type may carry TFlagGCMaskOnDemand: GCData then points to a
 * slot the runtime fills on first use (runtime/type.go getGCMask); a nil
 * slot means no GC needed it yet, and we rebuild the mask from the type's
 * array/struct description as buildGCMask does — never "no pointers".
 */
#include "heap_types.h"

#include <stdlib.h>
#include <string.h>

#define KIND_MASK 0x1f
#define KIND_ARRAY 17
#define KIND_STRUCT 25
#define MAX_MASK_BITS (1u << 26) /* 512 MiB of pointer-ful prefix: beyond any real type */
/* Bounds against hostile type descriptors (a malloc header can point
 * anywhere): all masks together, and the work of one on-demand rebuild
 * (nested arrays multiply). Real programs stay far below both. */
#define MAX_MASK_BYTES_TOTAL (256u << 20)
#define MAX_REBUILD_STEPS (1u << 22)

bool htypes_init(htypes *ht, const go_runtime *rt, ghf_err *err)
{
    memset(ht, 0, sizeof *ht);
    ht->rt = rt;
    const dwx *dw = rt->dw;
    if (rt->minor >= 21) {
        const char *T = "internal/abi.Type";
        ht->size = rt_field_lookup(dw, T, "Size_");
        ht->ptrbytes = rt_field_lookup(dw, T, "PtrBytes");
        ht->tflag = rt_field_lookup(dw, T, "TFlag");
        ht->kind = rt_field_lookup(dw, T, "Kind_");
        ht->gcdata = rt_field_lookup(dw, T, "GCData");
    } else {
        const char *T = "runtime._type";
        ht->size = rt_field_lookup(dw, T, "size");
        ht->ptrbytes = rt_field_lookup(dw, T, "ptrdata");
        ht->tflag = rt_field_lookup(dw, T, "tflag");
        ht->kind = rt_field_lookup(dw, T, "kind");
        ht->gcdata = rt_field_lookup(dw, T, "gcdata");
    }
    if (!ht->size.size || !ht->ptrbytes.size || !ht->gcdata.size || !ht->kind.size)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "%s: DWARF lacks the runtime type descriptor layout", rt->version);
    int64_t v;
    if (rt->minor >= 24) {
        ht->ondemand_flag = dwx_const(dw, "internal/abi.TFlagGCMaskOnDemand", &v) ? (uint8_t)v : 0x10;
        ht->arr_elem = rt_field_lookup(dw, "internal/abi.ArrayType", "Elem");
        ht->arr_len = rt_field_lookup(dw, "internal/abi.ArrayType", "Len");
        ht->st_fields = rt_field_lookup(dw, "internal/abi.StructType", "Fields");
        ht->sf_typ = rt_field_lookup(dw, "internal/abi.StructField", "Typ");
        ht->sf_off = rt_field_lookup(dw, "internal/abi.StructField", "Offset");
        const dwx_type *sf = dwx_type_get(dw, dwx_type_by_name(dw, "internal/abi.StructField"));
        ht->sf_size = sf ? sf->size : 24;
    }
    return true;
}

void htypes_free(htypes *ht)
{
    free(ht->slots);
    VEC_FREE(&ht->bits);
    memset(ht, 0, sizeof *ht);
}

static bool read_f(const htypes *ht, uint64_t addr, rt_field f, uint64_t *out)
{
    return rt_read_field(ht->rt, addr, f, out);
}

/* Append the pointer bits of one value of type t at word offset `word`
 * into ht->bits (already sized). Rebuilds on-demand masks recursively;
 * depth is the nesting of array/struct types, bounded. */
static bool build_mask(htypes *ht, uint64_t t, uint8_t *dst, uint64_t dst_bits, uint64_t word, int depth,
                       uint64_t *steps)
{
    if (depth > 32 || ++*steps > MAX_REBUILD_STEPS)
        return false;
    uint64_t size, ptrbytes, kind, gcdata, tflag = 0;
    if (!read_f(ht, t, ht->size, &size) || !read_f(ht, t, ht->ptrbytes, &ptrbytes) ||
        !read_f(ht, t, ht->kind, &kind) || !read_f(ht, t, ht->gcdata, &gcdata))
        return false;
    if (ht->tflag.size)
        read_f(ht, t, ht->tflag, &tflag);
    if (ptrbytes == 0)
        return true;
    uint64_t nbits = ptrbytes / 8;
    if (word + nbits > dst_bits)
        return false;
    uint64_t mask = gcdata;
    if (ht->ondemand_flag && (tflag & ht->ondemand_flag)) {
        if (!core_read_u64(ht->rt->core, gcdata, &mask))
            return false;
        if (mask == 0) { /* never materialised: rebuild as buildGCMask does */
            kind &= KIND_MASK;
            if (kind == KIND_ARRAY) {
                uint64_t elem, len, esize;
                if (!read_f(ht, t, ht->arr_elem, &elem) || !read_f(ht, t, ht->arr_len, &len) ||
                    !read_f(ht, elem, ht->size, &esize) || esize == 0 || len > nbits * 8)
                    return false;
                for (uint64_t i = 0; i < len && (i * esize) / 8 < nbits; i++)
                    if (!build_mask(ht, elem, dst, dst_bits, word + i * esize / 8, depth + 1, steps))
                        return false;
                return true;
            }
            if (kind == KIND_STRUCT) {
                uint64_t fields, nf;
                if (!rt_read_slice(ht->rt, t + ht->st_fields.off, &fields, &nf) || nf > 1u << 20)
                    return false;
                for (uint64_t i = 0; i < nf; i++) {
                    uint64_t ft, fo;
                    uint64_t f = fields + i * ht->sf_size;
                    if (!read_f(ht, f, ht->sf_typ, &ft) || !read_f(ht, f, ht->sf_off, &fo))
                        return false;
                    if (fo / 8 < nbits && !build_mask(ht, ft, dst, dst_bits, word + fo / 8, depth + 1, steps))
                        return false;
                }
                return true;
            }
            return false; /* only arrays and structs are large enough to be on demand */
        }
    }
    uint8_t buf[512];
    uint64_t nbytes = (nbits + 7) / 8;
    for (uint64_t done = 0; done < nbytes; done += sizeof buf) {
        size_t chunk = nbytes - done < sizeof buf ? (size_t)(nbytes - done) : sizeof buf;
        if (!core_read(ht->rt->core, mask + done, buf, chunk))
            return false;
        for (size_t i = 0; i < chunk * 8; i++) {
            uint64_t b = (done * 8) + i;
            if (b < nbits && (buf[i / 8] >> (i % 8) & 1)) {
                uint64_t w = word + b;
                dst[w / 8] |= (uint8_t)(1u << (w % 8));
            }
        }
    }
    return true;
}

static uint64_t hash_addr(uint64_t a)
{
    a *= 0x9E3779B97F4A7C15ull;
    return a ^ (a >> 31);
}

const htype *htypes_get(htypes *ht, uint64_t t, ghf_err *err)
{
    if (t == 0)
        return NULL;
    if (ht->nslots) {
        for (size_t i = hash_addr(t) & (ht->nslots - 1);; i = (i + 1) & (ht->nslots - 1)) {
            if (ht->slots[i].addr == t)
                return ht->slots[i].ok ? &ht->slots[i] : NULL;
            if (ht->slots[i].addr == 0)
                break;
        }
    }
    if ((ht->count + 1) * 2 > ht->nslots) {
        size_t ncap = ht->nslots ? ht->nslots * 2 : 64;
        htype *ns = ghf_xcalloc(ncap, sizeof *ns, err);
        if (ns == NULL)
            return NULL;
        for (size_t i = 0; i < ht->nslots; i++) {
            if (ht->slots[i].addr == 0)
                continue;
            size_t j = hash_addr(ht->slots[i].addr) & (ncap - 1);
            while (ns[j].addr)
                j = (j + 1) & (ncap - 1);
            ns[j] = ht->slots[i];
        }
        free(ht->slots);
        ht->slots = ns;
        ht->nslots = ncap;
    }
    htype e = {.addr = t};
    uint64_t size = 0, ptrbytes = 0;
    if (read_f(ht, t, ht->size, &size) && read_f(ht, t, ht->ptrbytes, &ptrbytes) &&
        size != 0 && ptrbytes <= size && ptrbytes / 8 <= MAX_MASK_BITS &&
        (ptrbytes / 8 + 7) / 8 <= MAX_MASK_BYTES_TOTAL - ht->bits.n) {
        e.size = size;
        e.ptrbytes = ptrbytes;
        e.mask_off = ht->bits.n;
        size_t nbytes = (size_t)((ptrbytes / 8 + 7) / 8);
        size_t old = ht->bits.n;
        if (!VEC_RESERVE(&ht->bits, old + nbytes + 1, err))
            return NULL;
        memset(ht->bits.v + old, 0, nbytes + 1);
        ht->bits.n = old + nbytes;
        uint64_t steps = 0;
        if (build_mask(ht, t, ht->bits.v + old, ptrbytes / 8, 0, 0, &steps)) {
            e.ok = true;
        } else {
            ht->bits.n = old;
            ht->failed++;
        }
    } else {
        ht->failed++;
    }
    size_t j = hash_addr(t) & (ht->nslots - 1);
    while (ht->slots[j].addr)
        j = (j + 1) & (ht->nslots - 1);
    ht->slots[j] = e;
    ht->count++;
    return e.ok ? &ht->slots[j] : NULL;
}
