/* cli_diff.c — `goheapflame diff OLD.core NEW.core EXE -o diff.svg|.png|.folded|.json`:
 * what grew between two cores, and who holds the growth.
 *
 * Each core goes through the flame pipeline on its own (flame_build), one
 * after the other so that only one core's heap and graph are in memory at
 * a time; the two frame trees are then matched by identity (wdiff.h) and
 * drawn or written, and the growth table printed.
 */
#include <stdio.h>
#include <string.h>

#include "flame_job.h"
#include "outfile.h"
#include "output.h"
#include "progress.h"
#include "wdiff.h"

/* One core's frame tree; the session is closed before returning. */
static bool one_tree(const flame_args *a, const char *core, const char *exe, wtree *w, flame_summary *sum,
                     ghf_err *err)
{
    session s;
    /* --debug-exe is the debug file of EXE: of OLD's executable too unless --old-exe */
    cli_source src = {.core = core, .exe = exe,
                      .debug_exe = exe == a->src.exe || strcmp(exe, a->src.exe) == 0 ? a->src.debug_exe : NULL};
    bool ok = flame_build(a, &src, &s, w, sum, err);
    if (ok) {
        /* say which core the warnings that follow are about */
        if (session_partial(&s, NULL, 0) || strncmp(core_exe_match(s.core), "MISMATCH", 8) == 0)
            fprintf(stderr, "goheapflame: %s:\n", core);
        session_warn_partial(&s);
    }
    else if (err->msg[0] && strstr(err->msg, core) == NULL) {
        /* say which of the two cores failed */
        char msg[sizeof err->msg];
        memcpy(msg, err->msg, sizeof msg);
        size_t cl = strlen(core);
        if (cl + 2 < sizeof msg) {
            memcpy(err->msg, core, cl);
            memcpy(err->msg + cl, ": ", 2);
            memcpy(err->msg + cl + 2, msg, sizeof msg - cl - 2);
            err->msg[sizeof err->msg - 1] = '\0';
        }
    }
    session_close(&s);
    return ok;
}

int cmd_diff(int argc, char **argv)
{
    flame_args a;
    int rc = flame_parse(argc, argv, &a, true);
    if (rc >= 0)
        return rc;
    a.frames.focus_may_match_nothing = true; /* a frame may be in one core only */
    progress prog; /* each core's session reports its own stages; this, the whole diff */
    progress_init(&prog, a.progress);
    ghf_err err = {0};
    wtree old = {0}, new_ = {0};
    wdiff d = {0};
    bool have_d = false;
    flame_summary so = {0}, sn = {0};
    outfile of = {0};
    if (!one_tree(&a, a.old_core, a.old_exe, &old, &so, &err) ||
        !one_tree(&a, a.src.core, a.src.exe, &new_, &sn, &err))
        goto fail;
    if (a.frames.focus && old.nodes.v[WTREE_ROOT].total_bytes == 0 && new_.nodes.v[WTREE_ROOT].total_bytes == 0) {
        ghf_fail(&err, GHF_EXIT_USAGE, "--focus '%s' matches no frame in either core: nothing to draw", a.frames.focus);
        goto fail;
    }
    if (!wdiff_build(&d, &old, &new_, &err))
        goto fail;
    have_d = true;
    wtree_free(&old);
    wtree_free(&new_);

    const char *oldn = flame_basename(a.old_core), *newn = flame_basename(a.src.core);
    char oh[32], nh[32], dh[32], subtitle[2048];
    /* when each heap was taken: the core files' times */
    char ot[40] = "?", nt[40] = "?";
    cli_source osrc = {.core = a.old_core};
    flame_core_time(&osrc, ot, sizeof ot);
    flame_core_time(&a.src, nt, sizeof nt);
    render_human_bytes(d.old.v[WTREE_ROOT].total_bytes, oh, sizeof oh);
    render_human_bytes(d.t.nodes.v[WTREE_ROOT].total_bytes, nh, sizeof nh);
    int64_t delta = wdiff_delta_bytes(&d, WTREE_ROOT);
    render_human_bytes(delta < 0 ? (uint64_t)0 - (uint64_t)delta : (uint64_t)delta, dh, sizeof dh);
    int n = snprintf(subtitle, sizeof subtitle,
                     "%s \xe2\x86\x92 %s of %s \xc2\xb7 %s%s%s \xc2\xb7 written %s \xe2\x86\x92 %s \xc2\xb7 %s tree \xc2\xb7 "
                     "retained %s \xe2\x86\x92 %s (%s%s) \xc2\xb7 width: bytes in %s, colour: change",
                     oldn, newn, flame_basename(a.src.exe), so.go_version, strcmp(so.go_version, sn.go_version) ? " \xe2\x86\x92 " : "",
                     strcmp(so.go_version, sn.go_version) ? sn.go_version : "", ot, nt,
                     a.tree == DOM_MODE_DOMINATOR ? "dominator" : "first-path", oh, nh,
                     delta > 0 ? "+" : delta < 0 ? "\xe2\x88\x92" : "\xc2\xb1", dh, newn);
    flame_filters_subtitle(&a, d.t.nodes.v[WTREE_ROOT].total_bytes, d.t.nodes.v[WTREE_ROOT].total_count, sn.reachable, subtitle + n,
                           sizeof subtitle - (size_t)n);
    render_opts ro = a.render;
    ro.title = a.title;
    ro.subtitle = subtitle;
    ro.count_name = "bytes";
    ro.show_objects = true;
    ro.diff = &d;
    ro.old_name = oldn;
    ro.new_name = newn;
    output_diff_opts dopt = {.title = a.title, .old_name = oldn, .new_name = newn, .top = a.top};
    output_opts fo = {.old = d.old.v};
    if (!outfile_open(&of, a.output, &err))
        goto fail;
    bool ok;
    switch (a.format) {
    case FMT_SVG: ok = render_svg(&d.t, &ro, of.fp, &err); break;
    case FMT_PNG: ok = render_png(&d.t, &ro, of.fp, &err); break;
    case FMT_FOLDED: ok = output_folded(&d.t, of.fp, &fo, &err); break;
    case FMT_JSON: ok = output_diff_json(&d, of.fp, &dopt, &err); break;
    default: ok = ghf_fail(&err, GHF_EXIT_INTERNAL, "diff: no output format"); break;
    }
    if (!ok || !outfile_commit(&of, &err))
        goto fail;
    progress_wrote(&prog, a.output);
    /* The table goes where the output does not. */
    FILE *table = strcmp(a.output, "-") == 0 ? stderr : stdout;
    if (a.top > 0 && !(a.json ? output_diff_json(&d, table, &dopt, &err) : output_diff_table(&d, table, &dopt, &err)))
        goto fail_done;
    wdiff_free(&d);
    return GHF_EXIT_OK;
fail:
    outfile_abort(&of);
fail_done:
    wtree_free(&old);
    wtree_free(&new_);
    if (have_d)
        wdiff_free(&d);
    return cli_report(&err);
}
