/* cli_render.c — `goheapflame render IN.folded -o OUT.svg|OUT.png`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "folded.h"
#include "outfile.h"
#include "progress.h"
#include "render.h"

static void usage(FILE *fp)
{
    fprintf(fp,
        "Usage: goheapflame render [OPTIONS] IN.folded -o OUT.svg|OUT.png\n"
        "       goheapflame render [OPTIONS] --diff OLD.folded NEW.folded -o OUT.svg|OUT.png\n"
        "\n"
        "Draw any folded-stack file (\"a;b;c 123\" per line: goheapflame's own folded\n"
        "output, or stackcollapse-* CPU profiles) as a flame graph. IN may be '-' for\n"
        "standard input. In frames, \"\\;\" is a literal ';' and \"\\\\\" a literal '\\'.\n"
        "With --diff, a differential flame graph of two folded files: NEW's graph\n"
        "(widths), each frame red where it grew, blue where it shrank, grey where\n"
        "unchanged, stronger the larger the change relative to the frame; frames only\n"
        "OLD has are listed under the graph as vanished; tooltips give OLD, NEW and\n"
        "the change (frames are matched by their path of names).\n"
        "\n"
        "Options (defaults in brackets):\n"
        "  -o, --output FILE     output file, '-' for standard output (required)\n"
        "  -f, --format svg|png  output format [from the extension of FILE; svg for '-']\n"
        "      --title TEXT      title [\"Flame Graph\"]\n"
        "      --subtitle TEXT   second line under the title [none]\n"
        "      --width PX        image width [%d]\n"
        "      --height PX       frame (row) height [%d]\n"
        "      --png-height PX   total PNG height, cropping or padding [as tall as needed]\n"
        "      --fontsize PX     label font size [%.0f]\n"
        "      --minwidth PX     merge frames narrower than this into one \"(N more)\" frame\n"
        "                        per parent [%.1f]\n"
        "      --max-rects N     draw at most N rectangles; deeper parents lose their\n"
        "                        children as a whole [%d]\n"
        "      --flame           roots at the bottom [default]\n"
        "      --icicle, --inverted  roots at the top\n"
        "      --reverse         reverse each stack (leaf frames become roots)\n"
        "      --sort name|size  sibling order: by name (stable between graphs) or\n"
        "                        largest first [name]\n"
        "      --countname TEXT  unit of the counts, shown in tooltips [bytes]\n"
        "      --colors type|package|mono  colour by type category, by package, or grey [type]\n"
        "      --theme light|dark  [light]\n"
        "      --no-legend       leave out the colour legend\n"
        "      --diff            two inputs, OLD and NEW: draw what changed\n"
        "      --progress        report stages, their times and the file written on stderr\n"
        "                        [when stderr is a terminal]; --no-progress turns it off\n"
        "  -h, --help            show this help\n",
        RENDER_DEFAULT_WIDTH, RENDER_DEFAULT_FRAME_HEIGHT, RENDER_DEFAULT_FONT_SIZE,
        LAYOUT_DEFAULT_MIN_WIDTH_PX, LAYOUT_DEFAULT_MAX_RECTS);
}

enum {
    OPT_TITLE = 256, OPT_SUBTITLE, OPT_WIDTH, OPT_HEIGHT, OPT_PNG_HEIGHT, OPT_FONTSIZE,
    OPT_MINWIDTH, OPT_MAXRECTS, OPT_FLAME, OPT_ICICLE, OPT_REVERSE, OPT_SORT, OPT_COUNTNAME,
    OPT_COLORS, OPT_THEME, OPT_NOLEGEND, OPT_DIFF, OPT_PROGRESS, OPT_NOPROGRESS,
};

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "goheapflame: render: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see goheapflame render --help)\n");
    return GHF_EXIT_USAGE;
}

static bool parse_int(const char *s, int lo, int hi, int *out)
{
    unsigned long long v;
    if (!cli_parse_u64(s, &v) || v < (unsigned long long)lo || v > (unsigned long long)hi)
        return false;
    *out = (int)v;
    return true;
}

static bool parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || !(v >= lo && v <= hi))
        return false;
    *out = v;
    return true;
}

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

int cmd_render(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"title", required_argument, NULL, OPT_TITLE},
        {"subtitle", required_argument, NULL, OPT_SUBTITLE},
        {"width", required_argument, NULL, OPT_WIDTH},
        {"height", required_argument, NULL, OPT_HEIGHT},
        {"png-height", required_argument, NULL, OPT_PNG_HEIGHT},
        {"fontsize", required_argument, NULL, OPT_FONTSIZE},
        {"minwidth", required_argument, NULL, OPT_MINWIDTH},
        {"max-rects", required_argument, NULL, OPT_MAXRECTS},
        {"flame", no_argument, NULL, OPT_FLAME},
        {"icicle", no_argument, NULL, OPT_ICICLE},
        {"inverted", no_argument, NULL, OPT_ICICLE},
        {"reverse", no_argument, NULL, OPT_REVERSE},
        {"sort", required_argument, NULL, OPT_SORT},
        {"countname", required_argument, NULL, OPT_COUNTNAME},
        {"colors", required_argument, NULL, OPT_COLORS},
        {"theme", required_argument, NULL, OPT_THEME},
        {"no-legend", no_argument, NULL, OPT_NOLEGEND},
        {"diff", no_argument, NULL, OPT_DIFF},
        {"progress", no_argument, NULL, OPT_PROGRESS}, {"no-progress", no_argument, NULL, OPT_NOPROGRESS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    render_opts ro;
    render_opts_default(&ro);
    folded_opts fo = {0};
    const char *out = NULL, *format = NULL;
    bool diff = false;
    bool show_progress = isatty(STDERR_FILENO);
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:f:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f': format = optarg; break;
        case OPT_TITLE: ro.title = optarg; break;
        case OPT_SUBTITLE: ro.subtitle = optarg; break;
        case OPT_WIDTH:
            if (!parse_int(optarg, 100, 32767, &ro.width))
                return usage_error("--width wants 100..32767 pixels, not '%s'", optarg);
            break;
        case OPT_HEIGHT:
            if (!parse_int(optarg, 4, 200, &ro.frame_height))
                return usage_error("--height wants a frame height of 4..200 pixels, not '%s'", optarg);
            break;
        case OPT_PNG_HEIGHT:
            if (!parse_int(optarg, 16, 32767, &ro.png_height))
                return usage_error("--png-height wants 16..32767 pixels, not '%s'", optarg);
            break;
        case OPT_FONTSIZE:
            if (!parse_double(optarg, 4, 100, &ro.font_size))
                return usage_error("--fontsize wants 4..100 pixels, not '%s'", optarg);
            break;
        case OPT_MINWIDTH:
            if (!parse_double(optarg, 0, 100000, &ro.layout.min_width_px))
                return usage_error("--minwidth wants a non-negative number of pixels, not '%s'", optarg);
            break;
        case OPT_MAXRECTS: {
            unsigned long long v;
            if (!cli_parse_u64(optarg, &v) || v < 1 || v > 100000000)
                return usage_error("--max-rects wants 1..100000000, not '%s'", optarg);
            ro.layout.max_rects = (size_t)v;
            break;
        }
        case OPT_FLAME: ro.layout.orient = LAYOUT_FLAME; break;
        case OPT_ICICLE: ro.layout.orient = LAYOUT_ICICLE; break;
        case OPT_REVERSE: fo.reverse = true; break;
        case OPT_SORT:
            if (strcmp(optarg, "name") == 0)
                ro.layout.sort = LAYOUT_SORT_NAME;
            else if (strcmp(optarg, "size") == 0)
                ro.layout.sort = LAYOUT_SORT_SIZE;
            else
                return usage_error("--sort wants name or size, not '%s'", optarg);
            break;
        case OPT_COUNTNAME: ro.count_name = optarg; break;
        case OPT_COLORS:
            if (strcmp(optarg, "type") == 0)
                ro.colors = COLOR_TYPE;
            else if (strcmp(optarg, "package") == 0)
                ro.colors = COLOR_PACKAGE;
            else if (strcmp(optarg, "mono") == 0)
                ro.colors = COLOR_MONO;
            else
                return usage_error("--colors wants type, package or mono, not '%s'", optarg);
            break;
        case OPT_THEME:
            if (strcmp(optarg, "light") == 0)
                ro.theme = THEME_LIGHT;
            else if (strcmp(optarg, "dark") == 0)
                ro.theme = THEME_DARK;
            else
                return usage_error("--theme wants light or dark, not '%s'", optarg);
            break;
        case OPT_NOLEGEND: ro.legend = false; break;
        case OPT_DIFF: diff = true; break;
        case OPT_PROGRESS: show_progress = true; break;
        case OPT_NOPROGRESS: show_progress = false; break;
        case 'h': usage(stdout); return GHF_EXIT_OK;
        default: return cli_bad_option_in("render", c, argv, longopts);
        }
    }
    if (diff && optind != argc - 2)
        return usage_error("%s", "--diff expects two input files, OLD and NEW");
    if (!diff && optind != argc - 1)
        return usage_error("%s", optind >= argc ? "expected one input file" : "expected exactly one input file");
    if (out == NULL)
        return usage_error("%s", "-o OUT.svg|OUT.png is required");
    enum render_format fmt = RENDER_SVG;
    if (format != NULL) {
        if (strcmp(format, "svg") == 0)
            fmt = RENDER_SVG;
        else if (strcmp(format, "png") == 0)
            fmt = RENDER_PNG;
        else
            return usage_error("--format wants svg or png, not '%s'", format);
    } else if (ends_with(out, ".png")) {
        fmt = RENDER_PNG;
    } else if (!ends_with(out, ".svg") && strcmp(out, "-") != 0) {
        return usage_error("cannot tell the format of '%s': name it .svg or .png, or pass --format", out);
    }
    ro.show_objects = false; /* folded files carry one weight per stack, no object count */

    ghf_err err = {0};
    progress prog;
    progress_init(&prog, show_progress);
    wtree trees[2];
    memset(trees, 0, sizeof trees);
    wdiff d = {0};
    bool have_d = false;
    outfile of = {0};
    int ntrees = diff ? 2 : 1;
    progress_begin(&prog, diff ? "reading the folded inputs" : "reading the folded input");
    for (int k = 0; k < ntrees; k++)
        if (!wtree_init(&trees[k], &err) || !folded_load(&trees[k], argv[optind + k], &fo, &err))
            goto fail;
    const wtree *draw = &trees[0];
    if (diff) {
        if (!wdiff_build(&d, &trees[0], &trees[1], &err))
            goto fail;
        have_d = true;
        ro.diff = &d;
        ro.old_name = argv[optind];
        ro.new_name = argv[optind + 1];
        draw = &d.t;
    }
    progress_done(&prog, diff ? "read the folded inputs" : "read the folded input");
    progress_begin(&prog, "drawing");
    if (!outfile_open(&of, out, &err) || !render_tree(draw, fmt, &ro, of.fp, &err) || !outfile_commit(&of, &err))
        goto fail;
    for (int k = 0; k < ntrees; k++)
        wtree_free(&trees[k]);
    if (have_d)
        wdiff_free(&d);
    progress_done(&prog, "drew the graph");
    progress_wrote(&prog, out);
    return GHF_EXIT_OK;
fail:
    outfile_abort(&of);
    for (int k = 0; k < ntrees; k++)
        wtree_free(&trees[k]);
    if (have_d)
        wdiff_free(&d);
    return cli_report(&err);
}
