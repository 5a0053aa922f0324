/* fuzz_core.c — the ELF/core reader (src/core.c) on any bytes as the core,
 * paired with a fixed executable (fixture go1.27/stacks). The input is the
 * whole core file, so seeds are the heads of real cores (headers, notes and
 * the first segments; the rest reads as truncated). After a successful open
 * every accessor is exercised and every region read at its edges. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "fuzz_util.h"

static void poke(const ghf_core *c)
{
    uint8_t buf[64];
    uint64_t v, off;
    size_t nr = core_region_count(c);
    for (size_t i = 0; i < nr && i < 4096; i++) {
        core_region r;
        if (!core_region_at(c, i, &r))
            __builtin_trap();
        core_read(c, r.start, buf, sizeof buf);
        core_read(c, r.end - 8, buf, 8);
        core_read(c, r.end - 4, buf, 16); /* across the end */
        core_read_u64(c, r.start + (r.end - r.start) / 2, &v);
        const uint8_t *p = core_view(c, r.start, 16);
        if (p)
            memcpy(buf, p, 16);
        core_mapped(c, r.end);
    }
    core_read(c, UINT64_MAX - 3, buf, 8);
    core_read(c, 0, buf, 8);
    core_view(c, UINT64_MAX - 3, 8);
    const core_thread *t = core_threads(c);
    for (size_t i = 0; i < core_thread_count(c); i++)
        core_read_u64(c, t[i].regs[core_arch(c)->pr_sp], &v);
    const core_file_map *fm = core_file_maps(c);
    for (size_t i = 0; i < core_file_map_count(c); i++)
        if (strlen(fm[i].path) > 1 << 20)
            __builtin_trap();
    uint64_t a, s;
    if (core_symbol(c, "runtime.mheap_", &a, &s))
        core_read(c, a, buf, sizeof buf);
    core_symbol_at(c, core_pie_bias(c) + 0x401000, &off);
    size_t n;
    core_exe_section(c, ".gopclntab", &n, &a);
    (void)strlen(core_go_build_id(c));
    (void)strlen(core_gnu_build_id(c));
    (void)strlen(core_exe_go_version(c));
    (void)strlen(core_exe_match(c));
    (void)core_truncated(c);
    (void)core_pid(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static const char *exe;
    if (fd < 0) {
        fd = fuzz_memfd("fuzz-core");
        exe = fuzz_fixture("exe");
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    char path[64];
    fuzz_fd_path(fd, path, sizeof path);
    for (int force = 0; force < 2; force++) {
        ghf_core *c = NULL;
        ghf_err err = {0};
        core_open_opts o = {.force = force};
        if (core_open(path, exe, &o, &c, &err)) {
            poke(c);
            core_close(c);
        } else if (err.code == 0 || strchr(err.msg, '\n')) {
            __builtin_trap();
        }
    }
    return 0;
}
