/* cli_flame.c — the main job: core + executable -> reference flame graph.
 *
 *   goheapflame [OPTIONS] CORE EXE -o ref.svg|ref.png|ref.folded|ref.bt|ref.pb.gz|ref.json
 *
 * Stages: session (core, DWARF, runtime) -> heap -> roots -> types -> graph
 * -> retention tree -> frames -> output. Each stage reports its time on
 * stderr with --progress (on by default when stderr is a terminal).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flame_job.h"
#include "graph.h"
#include "outfile.h"
#include "output.h"

static const struct { const char *name, *ext; enum out_format f; } formats[] = {
    {"svg", ".svg", FMT_SVG},       {"png", ".png", FMT_PNG},     {"folded", ".folded", FMT_FOLDED},
    {"folded", ".txt", FMT_FOLDED}, {"stap", ".bt", FMT_STAP},    {"pprof", ".pb.gz", FMT_PPROF},
    {"pprof", ".pprof", FMT_PPROF}, {"json", ".json", FMT_JSON},
};

/* flame only: diff matches frames by their root path, which a pivot turns over. */
#define FLAME_PIVOT_HELP \
        "  --pivot REGEX      the inverted graph: objects whose type matches REGEX at the\n" \
        "                     base, their holders above (dominator path, up to the root);\n" \
        "                     widths = bytes of those objects held through each chain;\n" \
        "                     exits 2 when no reachable object matches\n"

/* The options flame and diff share: how the tree is built, the picture.
 * PIVOT_HELP is FLAME_PIVOT_HELP for flame, "" for diff. */
#define FLAME_TREE_HELP(PIVOT_HELP) \
        "Retention:\n" \
        "  --tree MODE        dominator (default): a frame's width is what would be freed\n" \
        "                     without it; objects held by several roots appear once under\n" \
        "                     \"[shared] root + root\". first-path: each object is credited to\n" \
        "                     the first root that reaches it, breadth-first in root order\n" \
        "  --goroutines       one root per goroutine (\"goroutine 7: main.worker.buf\") instead\n" \
        "                     of merging goroutines that hold the same variable\n" \
        "  --no-registers     do not use thread registers as (conservative) roots\n" \
        "  --no-collapse      keep chains of same-typed objects as separate frames\n" \
        "  --fields           add the field path through which the parent holds each object:\n" \
        "                     \"[]uint8 .buf\", \"main.Node .next\" (\"[]\" stands for any element)\n" \
        "  --max-depth N      fold frames deeper than N into their ancestor (default: no limit)\n" \
        "  --min-bytes N      fold objects retaining fewer than N bytes into their parent\n" \
        "                     (N may end in K/KiB, M/MiB, G/GiB, or KB, MB, GB: 10MiB)\n" \
        PIVOT_HELP \
        "  --focus REGEX      keep only subtrees whose frame name matches REGEX (POSIX\n" \
        "                     extended); exits 2 when nothing matches (diff: in either\n" \
        "                     core). Active filters and the share shown are named in the\n" \
        "                     subtitle\n" \
        "\n" \
        "Picture (svg, png):\n" \
        "  --title TEXT       title (default \"Memory reference flame graph\"; diff: \"What\n" \
        "                     grew: differential reference flame graph\")\n" \
        "  --width PX         image width (default 1200); text scales with it\n" \
        "  --fontsize PX      label size (default 12 at 1200 px, proportional to --width)\n" \
        "  --minwidth PX      merge frames narrower than PX into \"(N more)\" (default 0.1)\n" \
        "  --icicle           roots at the top instead of the bottom\n" \
        "  --sort name|size   sibling order (default name: towers keep their place)\n" \
        "  --colors type|package|mono   colouring (default type; diff colours by change)\n" \
        "  --theme light|dark (default light)\n" \
        "\n" \
        "Other:\n" \
        "  --force            accept an executable whose build ID differs from the core's,\n" \
        "                     and Go versions outside 1.19-1.27\n" \
        "  --progress         report each stage with its time and the total, and the file\n" \
        "                     written with its size, on stderr (default when stderr is a\n" \
        "                     terminal, which also shows the stage running); --no-progress\n" \
        "                     or --quiet turns it off\n" \
        "  -h, --help         this text\n"

static void flame_usage(FILE *fp)
{
    fprintf(fp,
        "Usage: goheapflame [OPTIONS] CORE EXE -o OUTPUT\n"
        "       goheapflame [OPTIONS] --pid PID [EXE] -o OUTPUT\n"
        "       goheapflame flame [OPTIONS] CORE EXE -o OUTPUT\n"
        "\n"
        "Draw a memory reference flame graph of a Go core: each GC root at the base,\n"
        "the objects it keeps alive above it, each frame as wide as the bytes retained\n"
        "under it.\n"
        "\n"
        "Output (format from the extension of -o, or --format):\n"
        "  -o, --output F     .svg (interactive), .png, .folded (folded stacks), .bt (SystemTap\n"
        "                     backtraces for stackcollapse-stap.pl), .pb.gz (pprof), .json;\n"
        "                     '-' writes to standard output (format: --format, default folded)\n"
        "  --format NAME      svg, png, folded, stap, pprof or json\n"
        "\n"
        FLAME_TREE_HELP(FLAME_PIVOT_HELP)
        "\n"
        "A running process instead of a core:\n"
        CLI_SOURCE_HELP);
}

static void diff_usage(FILE *fp)
{
    fprintf(fp,
        "Usage: goheapflame diff [OPTIONS] OLD.core NEW.core EXE -o OUTPUT\n"
        "\n"
        "What grew between two cores of the same program, and who holds the growth: both\n"
        "cores go through the flame pipeline and their frames are matched by identity\n"
        "(root name, then type path; never by counts). The picture is NEW's reference flame\n"
        "graph (width = bytes retained in NEW), each frame coloured by its change: red grew,\n"
        "blue shrank, grey unchanged, stronger the larger the change relative to the frame\n"
        "(a frame only NEW has is the darkest red). Frames that retained bytes in OLD and\n"
        "none in NEW are listed under the graph as \"vanished\". Tooltips give OLD, NEW and\n"
        "the change in bytes and objects. A growth table goes to standard output.\n"
        "\n"
        "Output (format from the extension of -o, or --format):\n"
        "  -o, --output F     .svg (interactive), .png, .json (every frame's OLD, NEW and\n"
        "                     change, the growth table and the vanished frames), .folded\n"
        "                     (\"frame;frame OLD NEW\" per stack: shallow bytes, the two-column\n"
        "                     format flamegraph.pl's difffolded.pl writes); '-' writes to\n"
        "                     standard output (format: --format, default folded)\n"
        "  --format NAME      svg, png, folded or json\n"
        "  --top N            rows of the growth table (default 20, 0: none): the frames with\n"
        "                     the largest retained growth, each with its root path, bytes and\n"
        "                     objects before and after (each row the deepest frame that holds\n"
        "                     all of one growth; rows never nest), then the largest shrinkage\n"
        "                     and the vanished frames. On standard output (on standard error\n"
        "                     when -o - writes there)\n"
        "  --json             the growth table as JSON (the document -o .json writes)\n"
        "  --old-exe EXE      OLD's executable when the two cores come from different builds\n"
        "                     of the program (default: EXE for both)\n"
        CLI_DEBUG_EXE_HELP
        "\n"
        FLAME_TREE_HELP(""));
}

static enum out_format format_by_name(const char *n)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, n) == 0)
            return formats[i].f;
    return FMT_NONE;
}

static enum out_format format_by_path(const char *p)
{
    size_t n = strlen(p);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        size_t e = strlen(formats[i].ext);
        if (n > e && strcmp(p + n - e, formats[i].ext) == 0)
            return formats[i].f;
    }
    return FMT_NONE;
}

/* An option of the other command (flame's --pivot given to diff, ...):
 * named by its long name, since argv[optind - 1] may be its value. */
static int not_for(const char *cmd, const char *name)
{
    fprintf(stderr, "goheapflame: %s: unknown option '--%s' (see goheapflame %s --help)\n", cmd, name, cmd);
    return GHF_EXIT_USAGE;
}

int flame_parse(int argc, char **argv, flame_args *a, bool diff)
{
    enum { O_FORMAT = 256, O_TREE, O_GOROUTINES, O_NOREGS, O_NOCOLLAPSE, O_MAXDEPTH, O_MINBYTES, O_FOCUS,
           O_TITLE, O_WIDTH, O_ICICLE, O_SORT, O_COLORS, O_THEME, O_FORCE, O_PROGRESS, O_QUIET, O_FIELDS,
           O_MINWIDTH, O_FONTSIZE, O_NOPROGRESS, O_OLDEXE, O_TOP, O_JSON, O_PIVOT };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, O_FORMAT},
        {"tree", required_argument, NULL, O_TREE}, {"goroutines", no_argument, NULL, O_GOROUTINES},
        {"no-registers", no_argument, NULL, O_NOREGS}, {"no-collapse", no_argument, NULL, O_NOCOLLAPSE},
        {"max-depth", required_argument, NULL, O_MAXDEPTH}, {"min-bytes", required_argument, NULL, O_MINBYTES},
        {"focus", required_argument, NULL, O_FOCUS}, {"title", required_argument, NULL, O_TITLE},
        {"width", required_argument, NULL, O_WIDTH}, {"icicle", no_argument, NULL, O_ICICLE},
        {"sort", required_argument, NULL, O_SORT}, {"colors", required_argument, NULL, O_COLORS},
        {"theme", required_argument, NULL, O_THEME}, {"force", no_argument, NULL, O_FORCE},
        {"progress", no_argument, NULL, O_PROGRESS}, {"quiet", no_argument, NULL, O_QUIET},
        {"fields", no_argument, NULL, O_FIELDS}, {"minwidth", required_argument, NULL, O_MINWIDTH},
        {"fontsize", required_argument, NULL, O_FONTSIZE}, {"no-progress", no_argument, NULL, O_NOPROGRESS},
        {"old-exe", required_argument, NULL, O_OLDEXE}, {"top", required_argument, NULL, O_TOP},
        {"json", no_argument, NULL, O_JSON}, {"pivot", required_argument, NULL, O_PIVOT},
        {"help", no_argument, NULL, 'h'}, CLI_SOURCE_LONGOPTS, {NULL, 0, NULL, 0},
    };
    const char *cmd = diff ? "diff" : "flame";
    memset(a, 0, sizeof *a);
    a->diff = diff;
    a->top = 20;
    a->roots.registers = true;
    a->progress = isatty(STDERR_FILENO);
    render_opts_default(&a->render);
    a->title = diff ? "What grew: differential reference flame graph" : "Memory reference flame graph";
    unsigned long long v;
    double fontsize = 0;
    int c, li = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, &li)) != -1) {
        switch (c) {
        case 'o': a->output = optarg; break;
        case O_FORMAT:
            if ((a->format = format_by_name(optarg)) == FMT_NONE)
                goto bad;
            break;
        case O_TREE:
            if (strcmp(optarg, "dominator") == 0)
                a->tree = DOM_MODE_DOMINATOR;
            else if (strcmp(optarg, "first-path") == 0)
                a->tree = DOM_MODE_FIRST_PATH;
            else
                goto bad;
            break;
        case O_GOROUTINES: a->roots.split_goroutines = true; break;
        case O_NOREGS: a->roots.registers = false; break;
        case O_NOCOLLAPSE: a->frames.no_collapse = true; break;
        case O_FIELDS: a->frames.fields = true; break;
        case O_MAXDEPTH:
            if (!cli_parse_u64(optarg, &v) || v > UINT32_MAX)
                goto bad;
            a->frames.max_depth = (uint32_t)v;
            break;
        case O_MINBYTES:
            if (!cli_parse_size(optarg, &v))
                goto bad;
            a->frames.min_bytes = v;
            break;
        case O_FOCUS: a->frames.focus = optarg; break;
        case O_TITLE: a->title = optarg; break;
        case O_WIDTH:
            if (!cli_parse_u64(optarg, &v) || v < 200 || v > 100000)
                goto bad;
            a->render.width = (int)v;
            break;
        case O_ICICLE: a->render.layout.orient = LAYOUT_ICICLE; break;
        case O_SORT:
            if (strcmp(optarg, "name") == 0)
                a->render.layout.sort = LAYOUT_SORT_NAME;
            else if (strcmp(optarg, "size") == 0)
                a->render.layout.sort = LAYOUT_SORT_SIZE;
            else
                goto bad;
            break;
        case O_COLORS:
            if (strcmp(optarg, "type") == 0)
                a->render.colors = COLOR_TYPE;
            else if (strcmp(optarg, "package") == 0)
                a->render.colors = COLOR_PACKAGE;
            else if (strcmp(optarg, "mono") == 0)
                a->render.colors = COLOR_MONO;
            else
                goto bad;
            break;
        case O_THEME:
            if (strcmp(optarg, "light") == 0)
                a->render.theme = THEME_LIGHT;
            else if (strcmp(optarg, "dark") == 0)
                a->render.theme = THEME_DARK;
            else
                goto bad;
            break;
        case O_FORCE: a->force = true; break;
        case O_PROGRESS: a->progress = true; break;
        case O_QUIET:
        case O_NOPROGRESS: a->progress = false; break;
        case O_MINWIDTH:
        case O_FONTSIZE: {
            char *end;
            double d = strtod(optarg, &end);
            bool font = c == O_FONTSIZE;
            if (end == optarg || *end != '\0' || !(d >= (font ? 4 : 0) && d <= (font ? 100 : 100000)))
                goto bad;
            if (font)
                fontsize = d;
            else
                a->render.layout.min_width_px = d;
            break;
        }
        case O_PIVOT:
            if (diff)
                return not_for(cmd, longopts[li].name);
            a->pivot = optarg;
            break;
        case O_OLDEXE:
        case O_TOP:
        case O_JSON:
            if (!diff)
                return not_for(cmd, longopts[li].name);
            if (c == O_JSON)
                a->json = true;
            else if (c == O_OLDEXE)
                a->old_exe = optarg;
            else if (!cli_parse_u64(optarg, &v) || v > 100000)
                goto bad;
            else
                a->top = (unsigned)v;
            break;
        case 'h': (diff ? diff_usage : flame_usage)(stdout); return GHF_EXIT_OK;
        case CLI_O_DEBUG_EXE:
            a->src.debug_exe = optarg;
            break;
        case CLI_O_PID: case CLI_O_EXE: case CLI_O_SAVE_CORE:
            if (diff)
                return not_for(cmd, longopts[li].name);
            if (!cli_source_option(&a->src, c, optarg))
                return GHF_EXIT_USAGE;
            break;
        default: return cli_bad_option_in(cmd, c, argv, longopts);
        }
    }
    /* Text grows with the picture unless --fontsize says otherwise: a 2400 px
     * PNG for a ticket is read scaled down. Rows stay tall enough for it. */
    a->render.font_size = fontsize > 0 ? fontsize : RENDER_DEFAULT_FONT_SIZE * a->render.width / RENDER_DEFAULT_WIDTH;
    if (a->render.font_size + 4 > a->render.frame_height)
        a->render.frame_height = (int)(a->render.font_size + 4.5);
    if (a->pivot && (a->frames.focus || a->frames.max_depth || a->frames.min_bytes || a->frames.fields)) {
        fprintf(stderr, "goheapflame: --pivot draws every matching object: it does not combine with --focus, "
                        "--max-depth, --min-bytes or --fields\n");
        return GHF_EXIT_USAGE;
    }
    if (diff) {
        if (argc - optind != 3) {
            fprintf(stderr, "goheapflame: diff needs OLD.core NEW.core EXE (see goheapflame diff --help)\n");
            return GHF_EXIT_USAGE;
        }
        a->old_core = argv[optind];
        a->src.core = argv[optind + 1];
        a->src.exe = argv[optind + 2];
        if (a->old_exe == NULL)
            a->old_exe = a->src.exe;
    } else {
        int src_rc = cli_source_args(&a->src, "flame", argc, argv, optind);
        if (src_rc >= 0)
            return src_rc;
    }
    if (a->output == NULL) {
        fprintf(stderr, "goheapflame: no output: give -o FILE (%s) or -o -\n",
                diff ? ".svg, .png, .folded, .json" : ".svg, .png, .folded, .bt, .pb.gz, .json");
        return GHF_EXIT_USAGE;
    }
    if (a->format == FMT_NONE)
        a->format = strcmp(a->output, "-") == 0 ? FMT_FOLDED : format_by_path(a->output);
    if (a->format == FMT_NONE) {
        fprintf(stderr, "goheapflame: cannot tell the format of '%s' from its extension: use --format\n", a->output);
        return GHF_EXIT_USAGE;
    }
    if (diff && (a->format == FMT_STAP || a->format == FMT_PPROF)) {
        fprintf(stderr, "goheapflame: diff writes svg, png, folded or json, not %s\n",
                a->format == FMT_STAP ? "SystemTap backtraces" : "pprof");
        return GHF_EXIT_USAGE;
    }
    return -1;
bad:
    fprintf(stderr, "goheapflame: invalid value '%s' for --%s (see goheapflame --help)\n", optarg, longopts[li].name);
    return GHF_EXIT_USAGE;
}

/* Every active filter, named, and the share of the heap the picture shows.
 * A pivot says what it matched: its objects are the picture's base. */
void flame_filters_subtitle(const flame_args *a, uint64_t shown, uint64_t shown_objects, uint64_t total, char *out,
                            size_t cap)
{
    size_t n = 0;
    char hs[32], no[32];
    double share = total ? 100.0 * (double)shown / (double)total : 0.0;
    render_human_bytes(shown, hs, sizeof hs);
    out[0] = '\0';
    if (a->pivot) {
        wtree_group_digits(shown_objects, no, sizeof no);
        n += (size_t)snprintf(out + n, cap - n, " \xc2\xb7 --pivot %s: %s object%s, %s (%.1f%% of reachable)", a->pivot,
                              no, shown_objects == 1 ? "" : "s", hs, share);
    }
    if (a->frames.focus && n < cap)
        n += (size_t)snprintf(out + n, cap - n, " \xc2\xb7 --focus %s", a->frames.focus);
    if (a->frames.max_depth && n < cap)
        n += (size_t)snprintf(out + n, cap - n, " \xc2\xb7 --max-depth %u", a->frames.max_depth);
    if (a->frames.min_bytes && n < cap)
        n += (size_t)snprintf(out + n, cap - n, " \xc2\xb7 --min-bytes %llu", (unsigned long long)a->frames.min_bytes);
    if (a->frames.focus && n < cap) /* only --focus drops bytes; pruning folds them */
        snprintf(out + n, cap - n, " \xc2\xb7 showing %s (%.1f%%)", hs, share);
}

static bool write_output(const flame_args *a, const session *s, const wtree *w, const render_opts *ro, FILE *fp,
                         ghf_err *err)
{
    const char *gnu = core_gnu_build_id(s->core);
    output_opts oo = {.title = a->title, /* zeroed: the documented defaults (bytes) */
                      .binary = core_exe_path(s->core),
                      .build_id = gnu[0] ? gnu : core_go_build_id(s->core)};
    switch (a->format) {
    case FMT_SVG: return render_svg(w, ro, fp, err);
    case FMT_PNG: return render_png(w, ro, fp, err);
    case FMT_FOLDED: return output_folded(w, fp, &oo, err);
    case FMT_STAP: return output_stap(w, fp, &oo, err);
    case FMT_PPROF: return output_pprof(w, fp, &oo, err);
    case FMT_JSON: return output_json(w, fp, &oo, err);
    default: return ghf_fail(err, GHF_EXIT_INTERNAL, "no output format");
    }
}

const char *flame_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool flame_core_time(const cli_source *src, char *out, size_t cap)
{
    struct stat st;
    time_t at = src->pid ? time(NULL) : stat(src->core, &st) == 0 ? st.st_mtime : (time_t)-1;
    struct tm tm;
    return at != (time_t)-1 && gmtime_r(&at, &tm) != NULL && strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) > 0;
}

bool flame_build(const flame_args *a, const cli_source *src, session *s, wtree *w, flame_summary *sum,
                 ghf_err *err)
{
    session_opts so = {.force = a->force, .progress = a->progress, .field_paths = a->frames.fields};
    ghf_graph g = {0};
    domtree d = {0};
    bool ok = false;
    memset(w, 0, sizeof *w);
    if (!cli_open_session(src, s, &so, err))
        return false;
    if (!session_load_types(s, &a->roots, err) ||
        (session_stage(s, "building the reference graph"), !graph_build(s->heap, &s->roots, &g, err)))
        goto out;
    if (!a->frames.fields) { /* the graph holds edges and sizes now; only --fields reads the heap's */
        heap_drop_edges(s->heap);
        heap_drop_objects(s->heap);
    }
    session_progress(s, "built the reference graph");
    session_stage(s, a->tree == DOM_MODE_DOMINATOR ? "computing dominators" : "computing first paths");
    if (!domtree_build(&d, &g, a->tree, err))
        goto out;
    session_progress(s, a->tree == DOM_MODE_DOMINATOR ? "computed dominators" : "computed first paths");
    session_stage(s, "building frames");
    if (a->pivot ? !frames_build_pivot(&d, &g, &s->roots, &s->types, a->pivot, w, err)
                 : !frames_build(&d, &g, s->heap, &s->roots, &s->types, &a->frames, w, err))
        goto out;
    session_progress(s, "built frames");
    snprintf(sum->go_version, sizeof sum->go_version, "%s", s->rt->version);
    sum->reachable = d.total;
    sum->unreachable = s->heap->alloc_bytes > d.total ? s->heap->alloc_bytes - d.total : 0;
    sum->objects = d.nreach - g.nroots;
    ok = true;
out:
    domtree_free(&d);
    graph_free(&g);
    return ok;
}

int cmd_flame(int argc, char **argv)
{
    flame_args a;
    int rc = flame_parse(argc, argv, &a, false);
    if (rc >= 0)
        return rc;
    ghf_err err = {0};
    session s;
    wtree w = {0};
    flame_summary sum = {0};
    outfile of = {0};
    if (!flame_build(&a, &a.src, &s, &w, &sum, &err))
        goto fail;
    char human[32], human2[32], subtitle[2048];
    render_human_bytes(sum.reachable, human, sizeof human);
    render_human_bytes(sum.unreachable, human2, sizeof human2);
    char pidname[32], exelink[4096];
    snprintf(pidname, sizeof pidname, "process %d", a.src.pid);
    const char *core = a.src.pid ? pidname : a.src.core, *exe = a.src.exe;
    if (exe == NULL) { /* --pid without --exe: the process's own executable */
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/%d/exe", a.src.pid);
        ssize_t n = readlink(proc, exelink, sizeof exelink - 1);
        exelink[n > 0 ? n : 0] = '\0';
        exe = n > 0 ? exelink : "its executable";
    }
    char nobj[32];
    wtree_group_digits(sum.objects, nobj, sizeof nobj);
    char when[64] = "", at[40];
    if (flame_core_time(&a.src, at, sizeof at))
        snprintf(when, sizeof when, " \xc2\xb7 %s %s", a.src.pid ? "read" : "written", at);
    /* a pivot draws reachable objects only: what is unreachable is beside its point */
    char unreach[64] = "";
    if (a.pivot == NULL)
        snprintf(unreach, sizeof unreach, " \xc2\xb7 %s unreachable", human2);
    int sn = snprintf(subtitle, sizeof subtitle,
                      "%s of %s \xc2\xb7 %s%s \xc2\xb7 %s tree \xc2\xb7 %s reachable in %s objects%s",
                      flame_basename(core), flame_basename(exe), sum.go_version, when,
                      a.tree == DOM_MODE_DOMINATOR ? "dominator" : "first-path", human, nobj, unreach);
    flame_filters_subtitle(&a, w.nodes.v[WTREE_ROOT].total_bytes, w.nodes.v[WTREE_ROOT].total_count, sum.reachable,
                           subtitle + sn, sizeof subtitle - (size_t)sn);
    render_opts ro = a.render;
    ro.title = a.title;
    ro.subtitle = subtitle;
    ro.count_name = "bytes";
    ro.show_objects = a.pivot == NULL; /* a pivot's counts sit at its top frames */
    ro.top_rows = a.pivot ? 0 : 5; /* the PNG's table: the roots that retain the most */
    ro.top_title = "Largest roots by retained bytes";
    session_stage(&s, "writing the output");
    if (!outfile_open(&of, a.output, &err) || !write_output(&a, &s, &w, &ro, of.fp, &err) || !outfile_commit(&of, &err))
        goto fail;
    session_progress(&s, "wrote the output");
    progress_wrote(&s.prog, a.output);
    session_warn_partial(&s);
    wtree_free(&w);
    session_close(&s);
    return GHF_EXIT_OK;
fail:
    outfile_abort(&of);
    wtree_free(&w);
    session_close(&s);
    return cli_report(&err);
}
