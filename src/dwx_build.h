/* dwx_build.h — private to dwarf_index.c and dwx_runtime.c: fill a dwx
 * from another source than DWARF (an executable without it). Types get
 * increasing pseudo DIE offsets; a struct's fields follow it directly
 * (add them right after its dwx_build_type, after building their types). */
#ifndef GHF_DWX_BUILD_H
#define GHF_DWX_BUILD_H

#include "dwarf_index.h"

dwx *dwx_build_new(ghf_err *err);
dwx_type_id dwx_build_type(dwx *d, const char *name, uint32_t tag, uint32_t go_kind, uint64_t size, ghf_err *err);
bool dwx_build_field(dwx *d, dwx_type_id st, const char *name, uint64_t offset, dwx_type_id type, ghf_err *err);
bool dwx_build_const(dwx *d, const char *name, int64_t value, ghf_err *err);
/* An untyped global of `size` bytes (from the ELF symbol table). */
bool dwx_build_global(dwx *d, const char *name, uint64_t addr, uint64_t size, ghf_err *err);
/* Resolve, sort and hash; on failure d is closed. */
bool dwx_build_finish(dwx *d, const char *what, ghf_err *err);

#endif
