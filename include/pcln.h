/* pcln.h — the Go pclntab: functions, frame sizes, pcdata and funcdata.
 *
 * Reads the layouts of Go 1.19 through 1.27 from the raw bytes of the
 * table (the executable's .gopclntab section; named .data.rel.ro.gopclntab
 * in PIE binaries before 1.26; in memory it spans [runtime.pclntab,
 * runtime.epclntab), which moduledata.pcHeader points at). Layout facts, from
 * /usr/lib/go-1.NN/src/runtime/symtab.go and runtime2.go:
 *   - magic 0xfffffff0 (1.18-1.19) or 0xfffffff1 (1.20+);
 *   - _func gained startLine in 1.20 (40 -> 44 bytes before its pcdata);
 *   - 1.26 stopped writing pcHeader.textStart (the slot stays, holding 0),
 *     moved the funcdata blobs (go:func.*) into the table, and renumbered
 *     abi.FuncID (as did 1.22): use pcln_func.kind, not the raw value.
 * pcln_open validates the header and every function record once, so the
 * lookups are cheap; pc-value tables are decoded with bounds checks at
 * each use. The pcln keeps pointers into the table bytes: they must
 * outlive it.
 */
#ifndef GHF_PCLN_H
#define GHF_PCLN_H

#include <stddef.h>
#include <stdint.h>
#include "ghf_error.h"

typedef struct pcln pcln;

/* abi.FuncID, normalised across versions (the raw numbering shifted in 1.22
 * and 1.26). Only the ones an unwinder cares about are named. */
typedef enum pcln_funcid {
    PCLN_FID_NORMAL = 0,
    PCLN_FID_ABORT,
    PCLN_FID_ASMCGOCALL,
    PCLN_FID_ASYNCPREEMPT,
    PCLN_FID_CGOCALLBACK,
    PCLN_FID_COROSTART,        /* 1.22+ */
    PCLN_FID_DEBUGCALLV2,
    PCLN_FID_GCBGMARKWORKER,
    PCLN_FID_GOEXIT,
    PCLN_FID_GOGO,
    PCLN_FID_GOPANIC,
    PCLN_FID_HANDLEASYNCEVENT,
    PCLN_FID_MCALL,
    PCLN_FID_MORESTACK,
    PCLN_FID_MSTART,
    PCLN_FID_PANICWRAP,
    PCLN_FID_RT0_GO,
    PCLN_FID_RUNFINQ,          /* up to 1.25 */
    PCLN_FID_RUNTIME_MAIN,
    PCLN_FID_RUNFINALIZERS,    /* 1.26+ */
    PCLN_FID_RUNCLEANUPS,      /* 1.26+ */
    PCLN_FID_SIGPANIC,
    PCLN_FID_SYSTEMSTACK,
    PCLN_FID_SYSTEMSTACK_SWITCH,
    PCLN_FID_WRAPPER,
    PCLN_FID_UNKNOWN,          /* a raw value this version does not define */
} pcln_funcid;

/* abi.FuncFlag bits (the same in every supported version). */
enum { PCLN_FLAG_TOPFRAME = 1, PCLN_FLAG_SPWRITE = 2, PCLN_FLAG_ASM = 4 };
/* pcdata tables and funcdata slots (the same in every supported version). */
enum { PCLN_PCDATA_UNSAFEPOINT = 0, PCLN_PCDATA_STACKMAPINDEX = 1, PCLN_PCDATA_INLTREEINDEX = 2 };
enum {
    PCLN_FUNCDATA_ARGSPOINTERMAPS = 0, PCLN_FUNCDATA_LOCALSPOINTERMAPS = 1,
    PCLN_FUNCDATA_STACKOBJECTS = 2, PCLN_FUNCDATA_INLTREE = 3,
    PCLN_FUNCDATA_OPENCODEDDEFERINFO = 4, PCLN_FUNCDATA_ARGINFO = 5,
};

typedef struct pcln_func {
    uint32_t index;          /* position in the function table */
    uint64_t entry;          /* run-time entry pc */
    uint64_t end;            /* run-time pc just past the function (next entry) */
    const char *name;        /* NUL-terminated, inside the table bytes */
    int32_t args;            /* argument bytes */
    uint8_t funcid;          /* raw abi.FuncID as stored (version-specific numbering) */
    uint8_t kind;            /* pcln_funcid: funcid normalised for this table's version */
    uint8_t flag;            /* abi.FuncFlag: PCLN_FLAG_* */
    uint8_t nfuncdata;
    uint32_t npcdata;
    uint32_t rec;            /* private: offset of the _func record */
} pcln_func;

/* tab/len: the table bytes (must outlive the pcln). text_start: the
 * run-time address of the module's text (moduledata.text, or the symbol
 * runtime.text plus the PIE bias); pass 0 to use pcHeader.textStart, which
 * only 1.19-1.25 write and which is a link-time address (wrong for a PIE
 * unless the bias is 0). Fails with GHF_EXIT_INPUT on a corrupt table,
 * GHF_EXIT_UNSUPPORTED on another magic or pointer size. The instruction
 * size is the table's own (pcln_pc_quantum); the caller checks it against
 * the architecture (arch.h). */
bool pcln_open(const uint8_t *tab, size_t len, uint64_t text_start, pcln **out, ghf_err *err);
void pcln_close(pcln *p);

uint32_t pcln_nfunc(const pcln *p);
/* The table's PC quantum (pcHeader.minLC: 1 on amd64, 4 on arm64). */
uint32_t pcln_pc_quantum(const pcln *p);
uint64_t pcln_text_start(const pcln *p);
/* Layout generation, read from the table itself: 18 (magic 0xfffffff0,
 * Go 1.18-1.19), 20 (1.20-1.21), 22 (1.22-1.25: FuncIDs renumbered),
 * 26 (1.26+: FuncIDs renumbered again, no textStart). */
int pcln_go_minor(const pcln *p);

/* The function containing pc (entry <= pc < next entry); false if pc is
 * outside [first entry, end of the last function). O(log nfunc). */
bool pcln_find(const pcln *p, uint64_t pc, pcln_func *out);
/* Function number i < pcln_nfunc() (functions are sorted by entry). */
bool pcln_func_at(const pcln *p, uint32_t i, pcln_func *out);
/* Exact name match; O(nfunc), for occasional use. */
bool pcln_by_name(const pcln *p, const char *name, pcln_func *out);

/* The value of a pc-value table at pc (f->entry <= pc < f->end). Each
 * returns false when there is no value: table absent, pc not covered, or
 * the table is corrupt (decoding never reads outside the table). */

/* Stack pointer delta at pc: bytes the frame has pushed below its entry SP
 * (the caller's sp is sp + spdelta + arch.h ret_size). */
bool pcln_spdelta(const pcln *p, const pcln_func *f, uint64_t pc, int32_t *out);
/* Largest spdelta anywhere in f (the frame size after the prologue). */
bool pcln_max_spdelta(const pcln *p, const pcln_func *f, int32_t *out);
/* Value of pcdata table `table` at pc (PCLN_PCDATA_*). Like the runtime's
 * pcdatavalue, an absent table (table >= npcdata or offset 0) gives true
 * and -1. */
bool pcln_pcdata(const pcln *p, const pcln_func *f, uint32_t table, uint64_t pc, int32_t *out);
/* Funcdata slot i (PCLN_FUNCDATA_*) as an offset from moduledata.gofunc;
 * false if absent (i >= nfuncdata or 0xFFFFFFFF). From 1.26 gofunc lies
 * inside this table (symbol go:func.*), before that in .rodata. */
bool pcln_funcdata(const pcln *p, const pcln_func *f, uint32_t i, uint32_t *off);
/* Source file and line at pc (for diagnostics); false if unknown. The
 * position is the innermost inlined call's, as runtime.Func.FileLine gives. */
bool pcln_line(const pcln *p, const pcln_func *f, uint64_t pc, const char **file, int32_t *line);

#endif
