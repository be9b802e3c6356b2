/* test_qconv.c — the fast quantized conv (onnxcc_u8s8_conv2d: AVX-512 VNNI
 * where the CPU has it, else AVX2; ctest runs it a second time with
 * ONNXCC_ISA=avx2) against the reference kernel, bit for bit, over
 * sizes below, at and above the kernel's tiles: output channels around the
 * row blocks (6, 12, 24), pixels around the 16-lane vectors and 64-pixel
 * tiles, tap counts K with every K % 4 and large enough for the 32- and
 * 16-pixel tiles and the fallback, 1x1 / 3x3 / 7x7 kernels, strides,
 * dilations, padding, groups, batches with image strides, zero points at
 * both ends and saturating outputs, with and without an input table, on
 * 1 to 3 threads.  And the SIMD QuantizeLinear against
 * its formula. */
#include "onnxcc/rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qtest.h"

static void run(int N, int C, int H, int W, int M, int k, int stride, int dil, int pad, int group, int xz, int yz,
                float ys)
{
    OnnxccConv2dParams p;
    memset(&p, 0, sizeof p);
    p.N = N, p.C = C, p.H = H, p.W = W, p.M = M, p.group = group;
    p.kH = p.kW = k, p.stride_h = p.stride_w = stride, p.dil_h = p.dil_w = dil;
    p.pad_t = p.pad_l = p.pad_b = p.pad_r = pad;
    p.OH = (H + 2 * pad - dil * (k - 1) - 1) / stride + 1;
    p.OW = (W + 2 * pad - dil * (k - 1) - 1) / stride + 1;
    p.x_img_stride = (size_t)C * H * W + 7; /* images apart, as a channel prefix */
    p.y_img_stride = (size_t)M * p.OH * p.OW + 5;
    /* x ends at its last image's last plane: a sanitizer sees any read past it */
    const size_t nx = p.x_img_stride * (N - 1) + (size_t)C * H * W, ny = p.y_img_stride * N;
    const size_t nw = (size_t)M * (C / group) * k * k;
    uint8_t *x = malloc(nx), *y0 = malloc(ny), *y1 = malloc(ny);
    int8_t *w = malloc(nw);
    float *ws = malloc(sizeof(float) * M);
    int32_t *b = malloc(sizeof(int32_t) * M);
    for (size_t i = 0; i < nx; i++)
        x[i] = (uint8_t)next();
    for (size_t i = 0; i < nw; i++)
        w[i] = (int8_t)((int)(next() % 255) - 127);
    for (int i = 0; i < M; i++) {
        ws[i] = 0.001f + (float)(next() % 1000) * 1e-5f;
        b[i] = (int32_t)(next() % 20001) - 10000;
    }
    memset(y0, 0xAB, ny);
    memset(y1, 0xAB, ny);
    const int per_oc = next() % 4 != 0;
    const int32_t *bias = next() % 3 ? b : NULL;
    uint8_t *lut = malloc((size_t)C * 256);
    for (int i = 0; i < C * 256; i++)
        lut[i] = (uint8_t)next();
    const uint8_t *lu = next() % 2 ? lut : NULL;
    onnxcc_u8s8_conv2d_ref(&p, x, lu, 0.02f, (uint8_t)xz, w, ws, per_oc, bias, ys, (uint8_t)yz, y0);
    onnxcc_set_num_threads(1 + (int)(next() % 3)); /* any count: the same bytes */
    onnxcc_u8s8_conv2d(&p, x, lu, 0.02f, (uint8_t)xz, w, ws, per_oc, bias, ys, (uint8_t)yz, y1);
    onnxcc_set_num_threads(0);
    free(lut);
    cases++;
    int bad = memcmp(y0, y1, ny) != 0, lo = 0, hi = 0;
    for (size_t i = 0; i < ny; i++)
        lo += y0[i] == 0, hi += y0[i] == 255;
    if (bad) {
        size_t i = 0;
        while (y0[i] == y1[i])
            i++;
        printf("FAIL N%d C%d %dx%d M%d k%d s%d d%d p%d g%d xz%d yz%d%s: byte %zu ref %d fast %d\n", N, C, H, W, M,
               k, stride, dil, pad, group, xz, yz, lu ? " lut" : "", i, y0[i], y1[i]);
        failures++;
    }
    (void)lo, (void)hi;
    free(x), free(y0), free(y1), free(w), free(ws), free(b);
}

/* onnxcc_f32_quantize_u8 against the formula: ties (both parities), NaN,
 * infinities, values far out of range, lengths around the 16-lane vector. */
static void quantize_cases(void)
{
    static float x[203];
    static uint8_t y[203];
    const float scale = 0.25f;
    for (int i = 0; i < 203; i++)
        x[i] = (float)((int)(next() % 2400) - 1200) * 0.0625f; /* many exact .5 ties of x / 0.25 */
    x[3] = NAN, x[4] = INFINITY, x[5] = -INFINITY, x[6] = 1e30f, x[7] = -1e30f, x[8] = 0.375f, x[9] = 0.125f;
    for (int n = 0; n <= 203; n += 29) {
        for (int zp = 0; zp < 256; zp += 85) {
            memset(y, 0xAB, sizeof y);
            onnxcc_f32_quantize_u8((size_t)n, x, scale, (uint8_t)zp, y, 0);
            cases++;
            for (int i = 0; i < 203; i++) {
                float v = nearbyintf(x[i] / scale) + (float)zp;
                v = v > 255.0f ? 255.0f : v;
                v = v >= 0.0f ? v : 0.0f;
                const int want = i < n ? (int)v : 0xAB;
                if (y[i] != want) {
                    printf("FAIL quantize n%d zp%d: element %d (%g) got %d want %d\n", n, zp, i, (double)x[i], y[i],
                           want);
                    failures++;
                    break;
                }
            }
        }
    }
}

int main(void)
{
    quantize_cases();
    printf("ISA level %s\n", onnxcc_rt_isa_name(onnxcc_rt_isa()));
    static const int Ms[] = {1, 5, 6, 7, 12, 13, 24, 25, 40};
    static const int HWs[][2] = {{1, 1}, {3, 5}, {4, 4}, {1, 17}, {8, 8}, {9, 7}, {5, 13}, {12, 11}};
    for (size_t m = 0; m < sizeof Ms / sizeof *Ms; m++)
        for (size_t s = 0; s < sizeof HWs / sizeof *HWs; s++) {
            const int H = HWs[s][0], W = HWs[s][1];
            run(1, 1 + (int)(m + s) % 9, H, W, Ms[m], 1, 1, 1, 0, 1, (int)(next() % 256), (int)(next() % 256), 0.05f);
            run(1, 3 + (int)s, H, W, Ms[m], 3, 1, 1, 1, 1, (int)(next() % 256), 0, 0.2f);
            if (H >= 3 && W >= 3)
                run(2, 4, H, W, Ms[m], 3, 2, 1, 0, 1, 0, 128, 0.1f);
        }
    /* K = 9 C across the 64 / 32 / 16-pixel tiles (K <= 1280, 2560, 5120
     * with QC_BUF 80 KiB) and the reference fallback beyond. */
    static const int Cs[] = {60, 85, 86, 87, 142, 143, 284, 285, 568, 569};
    for (size_t c = 0; c < sizeof Cs / sizeof *Cs; c++) {
        run(1, Cs[c], 9, 9, 30, 3, 1, 1, 1, 1, 17, 3, 0.5f);
        run(1, Cs[c] * 9, 5, 14, 13, 1, 1, 1, 0, 1, 200, 255, 0.5f);
    }
    run(1, 3, 40, 40, 16, 7, 2, 1, 3, 1, 128, 0, 0.1f);   /* a ResNet stem */
    /* the row-window path: wide rows (tiles of 64 past the first), 5x5,
     * asymmetric sizes, channels not a multiple of 4, 7x7 stride 1 */
    run(1, 6, 5, 100, 20, 3, 1, 1, 1, 1, 40, 7, 0.2f);
    run(1, 9, 6, 14, 40, 3, 1, 1, 1, 1, 3, 5, 0.2f);
    run(2, 13, 9, 70, 7, 5, 1, 1, 2, 1, 255, 0, 0.3f);
    run(1, 5, 12, 23, 33, 3, 1, 1, 0, 1, 1, 250, 0.2f);
    run(1, 4, 15, 15, 9, 7, 1, 1, 3, 1, 90, 90, 0.4f);
    run(1, 130, 4, 130, 8, 3, 1, 1, 1, 1, 12, 34, 0.5f);
    run(1, 64, 9, 30, 160, 3, 1, 1, 1, 1, 5, 60, 0.5f);  /* weights past QC_BUF: chunks of channels */
    run(2, 256, 7, 16, 70, 3, 1, 1, 1, 1, 99, 3, 0.5f);
    run(1, 8, 11, 11, 12, 3, 1, 2, 2, 1, 5, 9, 0.3f);     /* dilation */
    run(2, 8, 10, 10, 12, 3, 1, 1, 1, 2, 130, 60, 0.3f);  /* groups */
    run(1, 16, 10, 10, 16, 3, 2, 1, 1, 16, 127, 0, 0.05f); /* depthwise */
    run(2, 5, 19, 37, 5, 3, 1, 1, 1, 5, 3, 200, 0.05f);
    run(1, 7, 21, 33, 7, 5, 2, 1, 2, 7, 250, 9, 0.02f);
    run(1, 3, 8, 8, 3, 7, 1, 1, 3, 3, 0, 0, 0.02f);
    run(1, 4, 9, 40, 4, 3, 2, 2, 2, 4, 77, 128, 0.05f);
    run(1, 6, 6, 6, 12, 3, 1, 1, 1, 6, 8, 8, 0.1f);      /* channel multiplier 2: the tile path */
    run(1, 64, 1, 1, 1000, 1, 1, 1, 0, 1, 0, 128, 1.0f);   /* a classifier */
    /* the AVX2 paths' edges: 8-pixel vectors, 16-pixel tiles, rows of
     * the depthwise planes (dilations, stride 2 on odd widths, wide 7x7,
     * stride 3 by tiles), 1x1 flat and strided */
    run(1, 9, 17, 45, 9, 3, 1, 2, 2, 9, 31, 77, 0.03f);
    run(2, 6, 30, 61, 6, 5, 2, 1, 2, 6, 200, 20, 0.05f);
    run(1, 4, 7, 9, 4, 3, 3, 1, 1, 4, 1, 254, 0.05f);
    run(1, 3, 5, 200, 3, 7, 1, 1, 3, 3, 128, 128, 0.05f);
    run(1, 2, 9, 8, 2, 7, 2, 1, 0, 2, 66, 66, 0.05f);
    run(1, 37, 14, 14, 70, 1, 1, 1, 0, 1, 10, 100, 0.05f);
    run(1, 20, 15, 15, 9, 1, 2, 1, 0, 1, 250, 3, 0.05f);
    run(1, 31, 23, 19, 11, 3, 2, 1, 1, 1, 90, 30, 0.1f);
    printf("%d cases, %d failures\n", cases, failures);
    return failures != 0;
}
