/* pcln.h — the Go pclntab: functions, frame sizes, pcdata and funcdata.
 *
 * Reads the layouts of Go 1.19 through 1.27 (magic 0xfffffff0 up to 1.19,
 * 0xfffffff1 from 1.20; the header lost textStart and _func changed in
 * 1.26 — see /usr/lib/go-1.NN/src/runtime/symtab.go). It works on the raw
 * bytes of the executable's .gopclntab section; every read is bounds-checked.
 * Addresses are run-time addresses relative to the given text start.
 */
#ifndef GHF_PCLN_H
#define GHF_PCLN_H

#include <stddef.h>
#include <stdint.h>
#include "ghf_error.h"

typedef struct pcln pcln;

typedef struct pcln_func {
    uint32_t index;          /* position in the function table */
    uint64_t entry;          /* run-time entry pc */
    const char *name;        /* NUL-terminated, inside the table bytes */
    int32_t args;            /* argument bytes */
    uint8_t funcid;          /* abi.FuncID (goexit, systemstack, asyncPreempt, ...) */
    uint8_t flag;            /* abi.FuncFlag: TopFrame 1, SPWrite 2, Asm 4 */
    uint32_t npcdata;
    uint8_t nfuncdata;
} pcln_func;

/* tab/len: the .gopclntab bytes (must outlive the pcln). text_start: the
 * run-time address of the module's text (moduledata.text); pass 0 to use
 * pcHeader.textStart where the layout has it (before 1.26). */
bool pcln_open(const uint8_t *tab, size_t len, uint64_t text_start, pcln **out, ghf_err *err);
void pcln_close(pcln *p);

uint32_t pcln_nfunc(const pcln *p);
int pcln_go_minor(const pcln *p);  /* layout generation: 18 (1.18-1.19), 20 (1.20-1.25), 26 (1.26+) */

/* The function containing pc; false if pc is outside the text. */
bool pcln_find(const pcln *p, uint64_t pc, pcln_func *out);
bool pcln_by_name(const pcln *p, const char *name, pcln_func *out);

/* Stack pointer delta at pc (bytes the frame has pushed). */
bool pcln_spdelta(const pcln *p, const pcln_func *f, uint64_t pc, int32_t *out);
/* Value of pcdata table `table` at pc (e.g. 1 = PCDATA_StackMapIndex); -1 if the table is absent. */
bool pcln_pcdata(const pcln *p, const pcln_func *f, uint32_t table, uint64_t pc, int32_t *out);
/* Funcdata slot i as an offset from moduledata.gofunc; false if absent (0xFFFFFFFF). */
bool pcln_funcdata(const pcln *p, const pcln_func *f, uint32_t i, uint32_t *off);
/* Source file and line at pc (for diagnostics); false if unknown. */
bool pcln_line(const pcln *p, const pcln_func *f, uint64_t pc, const char **file, int32_t *line);

#endif
