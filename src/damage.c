/* damage.c — bounded walks and checked counts for damaged cores (see damage.h). */
#include "damage.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void damage_init(damage_log *d, const ghf_core *core)
{
    memset(d, 0, sizeof *d);
    d->core = core;
    size_t n = core_region_count(core);
    for (size_t i = 0; i < n; i++) {
        core_region r;
        if (core_region_at(core, i, &r) && r.source != CORE_SRC_ZERO)
            d->backed_bytes += r.end - r.start;
    }
}

void damage_note(damage_log *d, const char *fmt, ...)
{
    if (d->count++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->first, sizeof d->first, fmt, ap);
        va_end(ap);
    }
}

bool damage_array_fits(const damage_log *d, uint64_t addr, uint64_t n, uint64_t elem)
{
    uint64_t bytes, end;
    if (n == 0)
        return true;
    if (elem == 0 || !damage_mul(n, elem, &bytes) || !damage_add(addr, bytes - 1, &end))
        return false;
    return bytes <= d->backed_bytes && core_mapped(d->core, addr) && core_mapped(d->core, end);
}

uint64_t damage_max_records(const damage_log *d, uint64_t record_size)
{
    uint64_t n = d->backed_bytes / (record_size ? record_size : 1);
    return n ? n : 1;
}

uint64_t list_walk_start(list_walk *w, damage_log *log, uint64_t first, uint64_t record_size, const char *what)
{
    memset(w, 0, sizeof *w);
    w->log = log;
    w->what = what;
    w->addr = w->tortoise = first;
    w->limit = damage_max_records(log, record_size);
    w->power = w->lam = 1;
    return first;
}

uint64_t list_walk_next(list_walk *w, uint64_t next)
{
    if (w->addr == 0 || next == 0)
        return w->addr = 0;
    /* Brent: the tortoise waits at powers of two; meeting it means a cycle. */
    if (next == w->tortoise || ++w->steps >= w->limit) {
        damage_note(w->log, "%s %s at 0x%llx", w->what,
                    next == w->tortoise ? "is circular" : "is longer than the core can hold",
                    (unsigned long long)w->addr);
        w->broken = true;
        return w->addr = 0;
    }
    if (w->lam == w->power) {
        w->tortoise = next;
        w->power *= 2;
        w->lam = 0;
    }
    w->lam++;
    return w->addr = next;
}
