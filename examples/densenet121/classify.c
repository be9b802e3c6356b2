/* classify: runs DenseNet-121, compiled to C by onnxcc, on a PPM image and
 * prints the five best ImageNet class indices with their scores.
 *
 *   classify IMAGE.ppm [--save-input FILE] [--reference FILE] [--tolerance REL]
 *
 * Preprocessing is torchvision's for ImageNet, done here in C: bilinear
 * resize of the shorter side to 256 (for a 224 model), center crop to the
 * model's input size, scale to [0, 1], normalise with the ImageNet mean and
 * standard deviation, planar NCHW.  --save-input writes that tensor as raw
 * float32 and exits, so onnxruntime can run on exactly the same input; --reference
 * reads onnxruntime's output for it (raw float32) and prints whether the
 * top-5 agree and the max error; exit status 1 if they disagree or the error
 * relative to max |reference| exceeds REL (default 1e-4). */
#define _POSIX_C_SOURCE 200112L
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "densenet121.h"

#define IN_C densenet121_INPUT0_DIM1
#define IN_H densenet121_INPUT0_DIM2
#define IN_W densenet121_INPUT0_DIM3
#define NCLASS densenet121_OUTPUT0_SIZE
#define TOPK 5

typedef struct {
    int w, h;
    unsigned char *rgb; /* h rows of w RGB triples */
} Image;

static _Noreturn void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("classify: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* A header number of a binary PPM, skipping whitespace and # comments. */
static long ppm_number(FILE *f, const char *path)
{
    int c = fgetc(f);
    while (c == '#' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (c == '#')
            while (c != '\n' && c != EOF)
                c = fgetc(f);
        c = fgetc(f);
    }
    long v = 0;
    int digits = 0;
    for (; c >= '0' && c <= '9'; c = fgetc(f), digits++)
        if ((v = v * 10 + (c - '0')) > 65535)
            die("%s: number in the PPM header is too large", path);
    if (!digits)
        die("%s: malformed PPM header", path);
    return v; /* the one whitespace byte after the number has been read */
}

static Image read_ppm(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s: %s", path, strerror(errno));
    if (fgetc(f) != 'P' || fgetc(f) != '6')
        die("%s: not a binary PPM (P6) file", path);
    Image im;
    im.w = (int)ppm_number(f, path);
    im.h = (int)ppm_number(f, path);
    long maxval = ppm_number(f, path);
    if (im.w < 1 || im.h < 1 || maxval < 1 || maxval > 255)
        die("%s: need width, height >= 1 and maxval 1..255", path);
    size_t n = (size_t)im.w * (size_t)im.h * 3;
    im.rgb = malloc(n);
    if (!im.rgb)
        die("out of memory");
    if (fread(im.rgb, 1, n, f) != n)
        die("%s: truncated pixel data", path);
    fclose(f);
    if (maxval != 255)
        for (size_t i = 0; i < n; i++)
            im.rgb[i] = (unsigned char)(im.rgb[i] * 255 / maxval);
    return im;
}

/* Channel c of the image resized to rw x rh, sampled at (x, y): bilinear
 * with half-pixel centres, edges clamped. */
static float sample(const Image *im, int rw, int rh, int x, int y, int c)
{
    float sx = ((float)x + 0.5f) * (float)im->w / (float)rw - 0.5f;
    float sy = ((float)y + 0.5f) * (float)im->h / (float)rh - 0.5f;
    sx = sx < 0 ? 0 : sx;
    sy = sy < 0 ? 0 : sy;
    int x0 = (int)sx, y0 = (int)sy;
    int x1 = x0 + 1 < im->w ? x0 + 1 : x0, y1 = y0 + 1 < im->h ? y0 + 1 : y0;
    float fx = sx - (float)x0, fy = sy - (float)y0;
#define PX(xx, yy) ((float)im->rgb[((size_t)(yy) * (size_t)im->w + (size_t)(xx)) * 3 + (size_t)c])
    float top = PX(x0, y0) + (PX(x1, y0) - PX(x0, y0)) * fx;
    float bot = PX(x0, y1) + (PX(x1, y1) - PX(x0, y1)) * fx;
#undef PX
    return top + (bot - top) * fy;
}

/* Resize (shorter side to 256/224 of the crop), center crop, normalise. */
static void preprocess(const Image *im, float *t)
{
    static const float mean[3] = {0.485f, 0.456f, 0.406f}, std[3] = {0.229f, 0.224f, 0.225f};
    int side = (IN_H < IN_W ? IN_H : IN_W) * 256 / 224;
    int rw, rh;
    if (im->w <= im->h) {
        rw = side;
        rh = (int)((long)side * im->h / im->w);
    } else {
        rh = side;
        rw = (int)((long)side * im->w / im->h);
    }
    rw = rw < IN_W ? IN_W : rw;
    rh = rh < IN_H ? IN_H : rh;
    int ox = (rw - IN_W) / 2, oy = (rh - IN_H) / 2;
    for (int c = 0; c < IN_C; c++)
        for (int y = 0; y < IN_H; y++)
            for (int x = 0; x < IN_W; x++)
                t[((size_t)c * IN_H + (size_t)y) * IN_W + (size_t)x] =
                    (sample(im, rw, rh, ox + x, oy + y, c) / 255.0f - mean[c]) / std[c];
}

static void top_k(const float *v, int top[TOPK])
{
    for (int k = 0; k < TOPK; k++) {
        top[k] = -1;
        for (int i = 0; i < NCLASS; i++) {
            int taken = 0;
            for (int j = 0; j < k; j++)
                taken |= top[j] == i;
            if (!taken && (top[k] < 0 || v[i] > v[top[k]]))
                top[k] = i;
        }
    }
}

static void write_f32(const char *path, const float *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, sizeof *p, n, f) != n || fclose(f) != 0)
        die("cannot write %s", path);
}

static void read_f32(const char *path, float *p, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s: %s", path, strerror(errno));
    if (fread(p, sizeof *p, n, f) != n || fgetc(f) != EOF)
        die("%s does not hold exactly %zu float32 values", path, n);
    fclose(f);
}

static float input[(size_t)IN_C * IN_H * IN_W], logits[NCLASS], reference[NCLASS];

int main(int argc, char **argv)
{
    const char *image = NULL, *save_input = NULL, *ref_path = NULL;
    double tol = 1e-4;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--save-input") && i + 1 < argc)
            save_input = argv[++i];
        else if (!strcmp(argv[i], "--reference") && i + 1 < argc)
            ref_path = argv[++i];
        else if (!strcmp(argv[i], "--tolerance") && i + 1 < argc)
            tol = atof(argv[++i]);
        else if (argv[i][0] != '-' && !image)
            image = argv[i];
        else
            die("usage: classify IMAGE.ppm [--save-input FILE] [--reference FILE] [--tolerance REL]");
    }
    if (!image)
        die("usage: classify IMAGE.ppm [--save-input FILE] [--reference FILE] [--tolerance REL]");

    Image im = read_ppm(image);
    preprocess(&im, input);
    free(im.rgb);
    if (save_input) {
        write_f32(save_input, input, sizeof input / sizeof *input);
        return 0;
    }

    void *ws = NULL;
    if (posix_memalign(&ws, densenet121_WORKSPACE_ALIGN, densenet121_workspace_size() + 1) != 0)
        die("out of memory");
    const float *ins[] = {input};
    float *outs[] = {logits};
    int rc = densenet121_run(ins, outs, ws);
    free(ws);
    if (rc != 0)
        die("densenet121_run returned %d", rc);

    /* Softmax probabilities next to the logits. */
    double mx = logits[0], sum = 0;
    for (int i = 1; i < NCLASS; i++)
        mx = logits[i] > mx ? logits[i] : mx;
    for (int i = 0; i < NCLASS; i++)
        sum += exp(logits[i] - mx);
    int top[TOPK];
    top_k(logits, top);
    printf("%s: %dx%d -> %dx%d\ntop-%d:\n", image, im.w, im.h, IN_W, IN_H, TOPK);
    for (int k = 0; k < TOPK; k++)
        printf("  class %4d  logit %9.5f  p %.5f\n", top[k], logits[top[k]], exp(logits[top[k]] - mx) / sum);
    if (!ref_path)
        return 0;

    read_f32(ref_path, reference, NCLASS);
    int rtop[TOPK], agree = 1;
    top_k(reference, rtop);
    double max_abs = 0, max_ref = 0;
    for (int i = 0; i < NCLASS; i++) {
        double d = fabs((double)logits[i] - reference[i]);
        max_abs = d > max_abs || d != d ? d : max_abs;
        max_ref = fabs(reference[i]) > max_ref ? fabs(reference[i]) : max_ref;
    }
    double rel = max_ref > 0 ? max_abs / max_ref : max_abs;
    printf("onnxruntime top-%d:", TOPK);
    for (int k = 0; k < TOPK; k++) {
        printf(" %d", rtop[k]);
        agree &= rtop[k] == top[k];
    }
    printf("\ntop-%d agree: %s\nmax_abs_error: %.3g\nmax_rel_error: %.3g (tolerance %g)\n", TOPK,
           agree ? "yes" : "NO", max_abs, rel, tol);
    return agree && rel <= tol ? 0 : 1;
}
