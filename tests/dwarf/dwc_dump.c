/* dwc_dump EXE — every DIE of every unit (C units included) read through
 * dwarf_compat.c, one line per DIE that has a constant, address or name
 * attribute of interest:
 *     OFF TAG name=NAME bs=BYTE_SIZE ml=MEMBER_OFFSET ub=UPPER_BOUND ct=COUNT cv=CONST low=LOWPC
 * (absent attributes left out; values in decimal, signed ones as int64).
 * Exits 3 on any damage: tests/check_dwarf_forms.py compares the lines with
 * readelf's, and tests/libdwarf0x_test.sh the output of both libdwarf APIs. */
#include <inttypes.h>
#include <stdio.h>
#include "dwarf_compat.h"

static bool dump(void *ctx, const dwc_die *d, unsigned depth, bool *descend, ghf_err *err)
{
    FILE *fp = ctx;
    *descend = true;
    if (!(d->name || d->has_byte_size || d->has_member_off || d->has_count || d->has_const || d->has_pc))
        return true;
    fprintf(fp, "0x%" PRIx64 " %u", d->off, d->tag);
    if (d->name)
        fprintf(fp, " name=%s", d->name);
    if (d->has_byte_size)
        fprintf(fp, " bs=%" PRIu64, d->byte_size);
    if (d->has_member_off)
        fprintf(fp, " ml=%" PRIu64, d->member_off);
    if (d->has_count)
        fprintf(fp, " ct=%" PRIu64, d->count);
    if (d->has_const)
        fprintf(fp, " cv=%" PRId64, d->const_value);
    if (d->has_pc)
        fprintf(fp, " low=0x%" PRIx64, d->lowpc);
    fputc('\n', fp);
    return true;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dwc_dump EXE\n");
        return 2;
    }
    ghf_err err = {0};
    dwc *c;
    if (!dwc_open(argv[1], &c, &err)) {
        fprintf(stderr, "dwc_dump: %s\n", err.msg);
        return err.code;
    }
    bool ok = dwc_walk(c, dump, NULL, stdout, &err);
    dwc_close(c);
    if (!ok) {
        fprintf(stderr, "dwc_dump: %s\n", err.msg);
        return err.code;
    }
    return 0;
}
