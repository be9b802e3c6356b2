/* test_qpool.c — the quantized pools (onnxcc_u8_maxpool2d, _avgpool2d,
 * _globalavgpool: AVX-512 or AVX2 row kernels, planes over threads)
 * against their reference loops, bit for bit, at every ISA level the CPU
 * and ONNXCC_ISA allow (isa_cap steps down from the best) and with 1, 2
 * and 3 threads: random sizes around the vector widths (rows of 1 to 150
 * columns), kernels 1x1 to 5x5, strides 1 to 3, pads, ceil_mode windows
 * that run past the pads, count_include_pad, image strides (a channel
 * slice) and global pools of 1 to 5000 pixels; and the byte table of
 * fuse_qrequant (onnxcc_u8_lut) at lengths 0 to 300 and a large one.  Bytes outside y must stay
 * untouched.  And the average's reference against the exact mean in
 * double: at most one step apart. */
#include "onnxcc/rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qtest.h"

static int rnd(int lo, int hi) { return lo + (int)(next() % (uint32_t)(hi - lo + 1)); }
static int out_len(int in, int k, int s, int pa, int pb, int ceil_mode)
{
    int num = in + pa + pb - k;
    int o = (ceil_mode ? (num + s - 1) / s : num / s) + 1;
    if (ceil_mode && (o - 1) * s >= in + pa) /* the last window starts inside the input or left pad */
        o--;
    return o;
}

static void check(const char *what, const OnnxccPool2dParams *p, const uint8_t *y0, const uint8_t *y1, size_t len,
                  int cap, int threads)
{
    cases++;
    if (memcmp(y0, y1, len) == 0)
        return;
    size_t i = 0;
    while (y0[i] == y1[i])
        i++;
    if (failures++ < 10)
        fprintf(stderr,
                "FAIL %s N%d C%d %dx%d k%dx%d s%d,%d pads %d,%d,%d,%d incl %d -> %dx%d cap=%d threads=%d: byte %zu: "
                "%d vs ref %d\n",
                what, p->N, p->C, p->H, p->W, p->kH, p->kW, p->stride_h, p->stride_w, p->pad_t, p->pad_l, p->pad_b,
                p->pad_r, p->count_include_pad, p->OH, p->OW, cap, threads, i, y1[i], y0[i]);
}

static void pool_case(int W, int global)
{
    OnnxccPool2dParams p;
    memset(&p, 0, sizeof p);
    p.N = rnd(1, 2), p.C = rnd(1, 5), p.H = rnd(1, 12), p.W = W;
    p.dil_h = p.dil_w = 1;
    if (global) {
        p.kH = p.H, p.kW = p.W, p.stride_h = p.stride_w = 1;
    } else {
        p.kH = rnd(1, p.H < 5 ? p.H : 5), p.kW = rnd(1, p.W < 5 ? p.W : 5);
        p.stride_h = rnd(1, 3), p.stride_w = rnd(1, 3);
        if (next() % 2) {
            p.pad_t = rnd(0, p.kH - 1), p.pad_b = rnd(0, p.kH - 1);
            p.pad_l = rnd(0, p.kW - 1), p.pad_r = rnd(0, p.kW - 1);
        }
        p.count_include_pad = (int)(next() % 2);
    }
    const int ceil_mode = !global && next() % 3 == 0;
    p.OH = out_len(p.H, p.kH, p.stride_h, p.pad_t, p.pad_b, ceil_mode);
    p.OW = out_len(p.W, p.kW, p.stride_w, p.pad_l, p.pad_r, ceil_mode);
    const int slice = next() % 4 == 0; /* images strided as channel slices */
    const size_t xplane = (size_t)p.H * p.W, yplane = (size_t)p.OH * p.OW;
    p.x_img_stride = slice ? (size_t)(p.C + 2) * xplane : 0;
    p.y_img_stride = slice ? (size_t)(p.C + 3) * yplane : 0;
    const size_t xn = (size_t)p.N * (slice ? p.x_img_stride : p.C * xplane);
    const size_t yn = (size_t)p.N * (slice ? p.y_img_stride : p.C * yplane);
    /* x exactly as long as it is: a read past it shows under ASan */
    uint8_t *x = malloc(xn), *y0 = malloc(yn), *y1 = malloc(yn);
    for (size_t i = 0; i < xn; i++)
        x[i] = (uint8_t)next();
    const float xs = uniform(0.002f, 0.2f), ys = xs * uniform(0.3f, 1.5f);
    const uint8_t xz = (uint8_t)next(), yz = (uint8_t)next();
    for (int kind = 0; kind < 2; kind++) {
        memset(y0, 0xA5, yn);
        if (kind == 0)
            onnxcc_u8_maxpool2d_ref(&p, x, y0);
        else
            onnxcc_u8_avgpool2d_ref(&p, x, xs, xz, ys, yz, y0);
        for (int cap = 3; cap >= 1; cap--)
            for (int t = 1; t <= 3; t++) {
                onnxcc_set_num_threads(t);
                memset(y1, 0xA5, yn);
                if (kind == 0)
                    onnxcc_u8_maxpool2d(&p, x, y1, cap);
                else
                    onnxcc_u8_avgpool2d(&p, x, xs, xz, ys, yz, y1, cap);
                check(kind ? "avg" : "max", &p, y0, y1, yn, cap, t);
            }
    }
    /* the average's reference against the exact mean: one step at most */
    for (int n = 0; n < p.N && !slice && !ceil_mode && !p.count_include_pad; n++)
        for (int c = 0; c < p.C; c++)
            for (int oh = 0; oh < p.OH; oh++)
                for (int ow = 0; ow < p.OW; ow++) {
                    double s = 0;
                    int cnt = 0;
                    for (int i = 0; i < p.kH; i++)
                        for (int j = 0; j < p.kW; j++) {
                            int h = oh * p.stride_h - p.pad_t + i, w = ow * p.stride_w - p.pad_l + j;
                            if (h >= 0 && h < p.H && w >= 0 && w < p.W)
                                s += ((double)x[((size_t)n * p.C + c) * xplane + (size_t)h * p.W + w] - xz) * xs, cnt++;
                        }
                    double v = s / cnt / ys + yz;
                    v = v < 0 ? 0 : v > 255 ? 255 : v;
                    onnxcc_u8_avgpool2d_ref(&p, x, xs, xz, ys, yz, y0);
                    uint8_t got = y0[((size_t)n * p.C + c) * yplane + (size_t)oh * p.OW + ow];
                    if (fabs(v - got) > 1.0 && failures++ < 10)
                        fprintf(stderr, "FAIL reference average %d, exact %.3f\n", got, v);
                    n = p.N, c = p.C, oh = p.OH, ow = p.OW; /* one output per case is enough */
                }
    free(x), free(y0), free(y1);
}

static void gap_case(size_t planes, size_t hw)
{
    uint8_t *x = malloc(planes * hw), *y0 = malloc(planes), *y1 = malloc(planes);
    for (size_t i = 0; i < planes * hw; i++)
        x[i] = (uint8_t)next();
    const float xs = uniform(0.002f, 0.2f), ys = xs * uniform(0.3f, 1.5f);
    const uint8_t xz = (uint8_t)next(), yz = (uint8_t)next();
    onnxcc_u8_globalavgpool_ref(planes, hw, x, xs, xz, ys, yz, y0);
    OnnxccPool2dParams p;
    memset(&p, 0, sizeof p);
    p.N = 1, p.C = (int)planes, p.H = 1, p.W = (int)hw, p.kH = p.kW = p.OH = p.OW = 1;
    for (int cap = 3; cap >= 1; cap--)
        for (int t = 1; t <= 3; t++) {
            onnxcc_set_num_threads(t);
            memset(y1, 0xA5, planes);
            onnxcc_u8_globalavgpool(planes, hw, x, xs, xz, ys, yz, y1, cap);
            check("gap", &p, y0, y1, planes, cap, t);
        }
    /* exact mean: one step at most */
    for (size_t i = 0; i < planes; i++) {
        double s = 0;
        for (size_t k = 0; k < hw; k++)
            s += ((double)x[i * hw + k] - xz) * xs;
        double v = s / (double)hw / ys + yz;
        v = v < 0 ? 0 : v > 255 ? 255 : v;
        if (fabs(v - y0[i]) > 1.0 && failures++ < 10)
            fprintf(stderr, "FAIL reference global average %d, exact %.3f\n", y0[i], v);
    }
    free(x), free(y0), free(y1);
}

/* The byte table (onnxcc_u8_lut) against its reference loop. */
static void lut_case(size_t n)
{
    const size_t off = next() % 4;
    uint8_t lut[256], *x = malloc(n + off), *y0 = malloc(n + 70), *y1 = malloc(n + 70);
    for (int i = 0; i < 256; i++)
        lut[i] = (uint8_t)next();
    for (size_t i = 0; i < n + off; i++)
        x[i] = (uint8_t)next();
    memset(y0, 0xA5, n + 70);
    onnxcc_u8_lut_ref(n, x + off, lut, y0 + 3);
    OnnxccPool2dParams p;
    memset(&p, 0, sizeof p);
    p.W = (int)n;
    for (int cap = 3; cap >= 1; cap--) {
        memset(y1, 0xA5, n + 70);
        onnxcc_u8_lut(n, x + off, lut, y1 + 3, cap);
        check("lut", &p, y0, y1, n + 70, cap, 1);
    }
    free(x), free(y0), free(y1);
}

int main(void)
{
    for (size_t n = 0; n <= 300; n++)
        lut_case(n);
    lut_case(802816 + 17);
    for (int W = 1; W <= 150; W++)
        for (int r = 0; r < 3; r++)
            pool_case(W, 0);
    for (int W = 1; W <= 40; W++)
        pool_case(W, 1);
    const size_t hw[] = {1, 2, 4, 7, 31, 32, 33, 49, 63, 64, 65, 196, 1000, 5000};
    for (size_t k = 0; k < sizeof hw / sizeof *hw; k++)
        gap_case((size_t)rnd(1, 70), hw[k]);
    gap_case(1024, 49); /* enough work for several threads */
    onnxcc_set_num_threads(0);
    printf("%d cases, %d failures (best ISA here: %s)\n", cases, failures, onnxcc_rt_isa_name(onnxcc_rt_isa()));
    return failures ? 1 : 0;
}
