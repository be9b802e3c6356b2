/* svg.c — `onnxcc --report-svg FILE`: the static memory plan as a picture.
 *
 * x is the schedule step (node index in execution order), y the workspace
 * offset in bytes (0 at the top, the arena's end at the bottom).  Every
 * buffer the planner placed is one rectangle over [first live step, last
 * reading step] x [offset, offset + bytes), in a darker shade: the span it
 * is reserved.  The concat slices written straight into a buffer
 * (slice_concats) are drawn on top of it, lighter, over their own live
 * steps — a dense block shows as a staircase.  Concat views (a channel
 * prefix of a buffer, written by nobody) are only counted in the buffer's
 * tooltip.  Live ranges and sizes come from the planner (plan_buffers,
 * plan_live_range), offsets from Value.offset.
 *
 * Every rectangle has a <title> tooltip and data-* attributes (value index,
 * offset, bytes, first/last step) so tests and scripts can read the plan
 * back.  Names from the model go through printable() and are XML-escaped.
 * The output depends only on the graph: no dates, no pointers, no locale.
 *
 * Needs: plan_memory() done.  Changes nothing. */
#include "onnxcc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Layout, in SVG user units (px). */
#define LEFT 96.0   /* y tick labels */
#define TOP 84.0    /* caption */
#define RIGHT 24.0
#define BOTTOM 56.0 /* x tick labels, axis title */
#define PLOT_H 640.0

/* Text from the model (or a path) as XML character data or attribute
 * value: printable ASCII first (control bytes and invalid UTF-8 become
 * visible \xNN escapes, overlong names are cut), then the five XML
 * specials as entities. */
static void xml_text(FILE *f, const char *s)
{
    for (const char *p = printable(s); *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc(*p, f);
        }
    }
}

static void shape_text(FILE *f, const Value *v)
{
    fprintf(f, "%s [", dtype_name(v->dtype));
    for (int i = 0; i < v->rank; i++)
        fprintf(f, "%s%lld", i ? "," : "", (long long)v->dims[i]);
    fputc(']', f);
}

/* 1, 2 or 5 times a power of ten, at least x (> 0). */
static double nice_step(double x)
{
    double p = pow(10.0, floor(log10(x)));
    for (int k = 0; k < 3; k++) {
        static const double m[] = {1, 2, 5};
        if (m[k] * p >= x * (1 - 1e-9))
            return m[k] * p;
    }
    return 10 * p;
}

static const char *op_name(const Graph *g, int node)
{
    if (node < 0 || node >= g->nnodes)
        return "?";
    Op op = g->nodes[node].op;
    return op < OP_COUNT ? op_info[op].name : "unknown op";
}

/* A concat view: a channel range of a buffer that nobody writes. */
static bool is_view(const Graph *g, const Value *v)
{
    return v->producer >= 0 && g->nodes[v->producer].op == OP_CONCAT && g->nodes[v->producer].elided;
}

typedef struct {
    FILE *f;
    double sw;    /* px per step */
    double scale; /* px per byte */
    int *first_in; /* per value: the first value living inside it, or -1 */
    int *next_in;  /* per value: the next one inside the same base, or -1 */
} Plot;

static void rect(const Plot *P, const char *cls, int first, int last, int64_t off, int64_t bytes,
                 const char *fill)
{
    fprintf(P->f, "<rect class=\"%s\" x=\"%.2f\" y=\"%.3f\" width=\"%.2f\" height=\"%.3f\" fill=\"%s\"",
            cls, LEFT + first * P->sw, TOP + (double)off * P->scale, (last - first + 1) * P->sw,
            (double)bytes * P->scale, fill);
}

/* One planned buffer and, on top of it, the slices written into it. */
static void draw_buffer(const Plot *P, const Graph *g, const PlanBuf *b, int k)
{
    FILE *f = P->f;
    const Value *v = &g->values[b->value];
    double hue = fmod(k * 137.508, 360.0); /* golden angle: neighbours differ */
    int nslices = 0, nviews = 0;
    for (int i = P->first_in[b->value]; i >= 0; i = P->next_in[i])
        if (is_view(g, &g->values[i]))
            nviews++;
        else
            nslices++;

    char fill[48];
    snprintf(fill, sizeof fill, "hsl(%.1f,50%%,55%%)", hue);
    fprintf(f, "<g>\n");
    rect(P, "buf", b->first, b->last, v->offset, b->bytes, fill);
    fprintf(f, " data-value=\"%d\" data-offset=\"%lld\" data-bytes=\"%lld\" data-first=\"%d\""
               " data-last=\"%d\">",
            b->value, (long long)v->offset, (long long)b->bytes, b->first, b->last);
    fputs("<title>", f);
    xml_text(f, v->name);
    fputs("&#10;", f);
    shape_text(f, v);
    int64_t exact = mul_ck(value_numel(v), (int64_t)dtype_size(v->dtype));
    fprintf(f, "&#10;%lld bytes (%lld planned) at offset %lld&#10;live steps %d-%d (%s .. %s)",
            (long long)exact, (long long)b->bytes, (long long)v->offset, b->first, b->last,
            op_name(g, b->first), op_name(g, b->last));
    if (nslices || nviews)
        fprintf(f, "&#10;%d slices written in place, %d concat views", nslices, nviews);
    fputs("</title></rect>\n", f);

    /* Slices: in each image, channels [base_chan, base_chan + C) of the
     * buffer (axis 1; with batch > 1 a slice is strided). */
    int64_t inner = v->rank >= 2 ? (int64_t)dtype_size(v->dtype) : 0; /* bytes per channel and image */
    for (int d = 2; d < v->rank; d++)
        inner = mul_ck(inner, v->dims[d]);
    snprintf(fill, sizeof fill, "hsl(%.1f,50%%,80%%)", hue);
    for (int i = P->first_in[b->value]; i >= 0 && inner > 0; i = P->next_in[i]) {
        const Value *s = &g->values[i];
        if (is_view(g, s) || s->rank != v->rank)
            continue;
        int first, last;
        plan_live_range(g, i, &first, &last);
        for (int64_t n = 0; n < v->dims[0]; n++) {
            int64_t off = v->offset + (n * v->dims[1] + s->base_chan) * inner;
            int64_t bytes = s->dims[1] * inner;
            rect(P, "slice", first, last, off, bytes, fill);
            fprintf(f, " data-value=\"%d\" data-base=\"%d\" data-offset=\"%lld\" data-bytes=\"%lld\""
                       " data-first=\"%d\" data-last=\"%d\">",
                    i, b->value, (long long)off, (long long)bytes, first, last);
            fputs("<title>", f);
            xml_text(f, s->name);
            fputs("&#10;", f);
            shape_text(f, s);
            fprintf(f, "&#10;channels %lld-%lld", (long long)s->base_chan,
                    (long long)(s->base_chan + s->dims[1] - 1));
            if (v->dims[0] > 1)
                fprintf(f, " of image %lld", (long long)n);
            fputs(" of ", f);
            xml_text(f, v->name);
            fprintf(f, "&#10;%lld bytes at offset %lld&#10;live steps %d-%d (%s .. %s)",
                    (long long)bytes, (long long)off, first, last, op_name(g, first), op_name(g, last));
            fputs("</title></rect>\n", f);
        }
    }
    fprintf(f, "</g>\n");
}

static void axes(const Plot *P, const Graph *g, int nsteps, double plot_w, double plot_h)
{
    FILE *f = P->f;
    /* x: schedule steps. */
    double xs = nice_step(nsteps / 10.0 < 1 ? 1 : nsteps / 10.0);
    fprintf(f, "<g class=\"x-axis\" font-size=\"11\" text-anchor=\"middle\">\n");
    for (double t = 0; t <= nsteps; t += xs) {
        double x = LEFT + t * P->sw;
        fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#888\"/>", x,
                TOP + plot_h, x, TOP + plot_h + 5);
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">%lld</text>\n", x, TOP + plot_h + 18, (long long)t);
    }
    fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"13\">schedule step (node index in execution "
               "order, %d nodes)</text>\n",
            LEFT + plot_w / 2, TOP + plot_h + 42, nsteps);
    fprintf(f, "</g>\n");

    /* y: workspace offset, ticks in B, KiB or MiB. */
    double arena = (double)g->arena_bytes;
    double unit = arena >= 1 << 20 ? 1 << 20 : arena >= 1 << 10 ? 1 << 10 : 1;
    const char *uname = unit == 1 << 20 ? "MiB" : unit == 1 << 10 ? "KiB" : "B";
    fprintf(f, "<g class=\"y-axis\" font-size=\"11\" text-anchor=\"end\">\n");
    if (arena > 0) {
        double ys = nice_step(arena / unit / 8.0);
        if (unit == 1 && ys < 1)
            ys = 1;
        for (int i = 0; i * ys * unit <= arena * (1 + 1e-9); i++) {
            double y = TOP + i * ys * unit * P->scale;
            fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#ddd\"/>", LEFT - 5, y,
                    LEFT + plot_w, y);
            fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">%g %s</text>\n", LEFT - 8, y + 4, i * ys, uname);
        }
    }
    fprintf(f, "<text transform=\"translate(16,%.2f) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">"
               "workspace offset (bytes from the start; arena end at the bottom)</text>\n",
            TOP + plot_h / 2);
    fprintf(f, "</g>\n");
}

/* The model file's name without its folder: the picture does not depend
 * on where the model was compiled from. */
static const char *model_file(const Graph *g)
{
    const char *slash = g->path ? strrchr(g->path, '/') : NULL;
    return slash ? slash + 1 : g->path ? g->path : "";
}

static void caption(FILE *f, const Graph *g, int nbufs, int nslices, int nsteps)
{
    fprintf(f, "<g class=\"caption\" font-size=\"14\">\n<text x=\"%.2f\" y=\"22\">memory plan of ", LEFT);
    xml_text(f, model_file(g));
    if (g->name && *g->name) {
        fputs(" (graph &quot;", f);
        xml_text(f, g->name);
        fputs("&quot;)", f);
    }
    fputs("</text>\n", f);
    double mib = 1 << 20;
    fprintf(f, "<text x=\"%.2f\" y=\"42\" font-size=\"12\">arena_bytes %lld (%.2f MiB), naive_bytes %lld "
               "(%.2f MiB)",
            LEFT, (long long)g->arena_bytes, g->arena_bytes / mib, (long long)g->naive_bytes,
            g->naive_bytes / mib);
    if (g->arena_bytes > 0)
        fprintf(f, ", %.1fx smaller", (double)g->naive_bytes / (double)g->arena_bytes);
    fprintf(f, "; %d buffers, %d slices, %d steps</text>\n", nbufs, nslices, nsteps);
    fprintf(f, "<text x=\"%.2f\" y=\"62\" font-size=\"12\" fill=\"#555\">dark: a buffer, first write to "
               "last read; light: a concat slice written in place, its producer to its last reader"
               "</text>\n</g>\n",
            LEFT);
}

static void write_plot(FILE *f, const Graph *g)
{
    PlanBuf *bufs = malloc(sizeof *bufs * ((size_t)g->nvalues + 1));
    int *links = malloc(sizeof *links * (2 * (size_t)g->nvalues + 1));
    if (!bufs || !links)
        fatal("out of memory");
    int n = plan_buffers(g, bufs);
    /* What lives inside each buffer, in value order. */
    int *first_in = links, *next_in = links + g->nvalues, nslices = 0;
    for (int i = 0; i < g->nvalues; i++)
        first_in[i] = next_in[i] = -1;
    for (int i = g->nvalues - 1; i >= 0; i--) {
        int b = g->values[i].base;
        if (b < 0 || b >= g->nvalues || g->values[i].producer < 0)
            continue;
        next_in[i] = first_in[b];
        first_in[b] = i;
        nslices += !is_view(g, &g->values[i]);
    }

    int nsteps = g->nnodes > 0 ? g->nnodes : 1;
    double plot_w = nsteps * 3.0;
    plot_w = plot_w < 720 ? 720 : plot_w > 2400 ? 2400 : plot_w;
    Plot P = {f, plot_w / nsteps, g->arena_bytes > 0 ? PLOT_H / (double)g->arena_bytes : 0, first_in,
              next_in};
    double width = LEFT + plot_w + RIGHT, height = TOP + PLOT_H + BOTTOM;

    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\""
               " viewBox=\"0 0 %.0f %.0f\""
               " font-family=\"sans-serif\" data-arena-bytes=\"%lld\" data-naive-bytes=\"%lld\""
               " data-steps=\"%d\" data-plot=\"%.2f %.2f %.2f %.2f\">\n",
            width, height, width, height, (long long)g->arena_bytes, (long long)g->naive_bytes, nsteps, LEFT,
            TOP, plot_w, PLOT_H);
    fputs("<title>onnxcc memory plan: ", f);
    xml_text(f, model_file(g));
    fputs("</title>\n", f);
    fputs("<style>rect.buf,rect.slice{stroke:#333;stroke-width:0.3}"
          "rect.buf:hover,rect.slice:hover{stroke:#000;stroke-width:1.5}</style>\n", f);
    fprintf(f, "<rect class=\"arena\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#f8f8f8\""
               " stroke=\"#888\"/>\n",
            LEFT, TOP, plot_w, PLOT_H);
    caption(f, g, n, nslices, nsteps);
    axes(&P, g, nsteps, plot_w, PLOT_H);
    fputs("<g class=\"buffers\">\n", f);
    for (int k = 0; k < n; k++)
        draw_buffer(&P, g, &bufs[k], k);
    fputs("</g>\n</svg>\n", f);
    free(links);
    free(bufs);
}

void write_svg(const Graph *g, const char *path)
{
    bool to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "w");
    int err = f ? 0 : errno;
    if (f) {
        errno = 0;
        write_plot(f, g);
        if (ferror(f))
            err = errno ? errno : EIO;
        if ((to_stdout ? fflush(f) : fclose(f)) != 0 && !err)
            err = errno ? errno : EIO;
    }
    if (err) {
        fatal_path = NULL; /* the message names the SVG file, not the model */
        fatal("cannot write SVG '%s': %s", printable(path), strerror(err));
    }
}
