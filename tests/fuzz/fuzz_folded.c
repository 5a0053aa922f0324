/* fuzz_folded.c — the folded-stack reader (render/folded.c) on any bytes,
 * then the layout of whatever tree it accepted. */
#include <string.h>

#include "folded.h"
#include "fuzz_util.h"
#include "layout.h"
#include "wtree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int reverse = 0; reverse < 2; reverse++) {
        wtree t;
        ghf_err err = {0};
        if (!wtree_init(&t, &err))
            return 0;
        folded_opts fo = {.reverse = reverse};
        if (folded_parse(&t, (const char *)data, size, "fuzz", &fo, &err)) {
            layout_opts lo;
            layout_opts_default(&lo);
            layout l;
            if (layout_build(&t, &lo, &l, &err))
                layout_free(&l);
        } else if (err.code == 0 || strchr(err.msg, '\n')) {
            __builtin_trap(); /* a failure must say why, on one line */
        }
        wtree_free(&t);
    }
    return 0;
}
