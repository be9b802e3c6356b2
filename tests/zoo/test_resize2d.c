/* test_resize2d.c — onnxcc_f32_resize2d (the separable float Resize of the
 * last two axes) against a direct double-precision sum of the same tables:
 * 1 to 4 row taps and 1 to 5 column taps, random indices (so the row cache
 * misses, hits, and holds one row for several taps), maps from 1x1 up,
 * rows wider than the kernel's column chunks, several planes; and bitwise
 * identical results for 1 to 4 threads. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <onnxcc/rt.h>

static unsigned rng = 777;
static unsigned rnd(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}
static float frand(void)
{
    return (float)(rnd() & 0xffff) / 32768.0f - 1.0f;
}

static int failures;

/* Taps of out outputs over an axis of size in: monotone like an
 * upsampling when mono, else anywhere in the axis. */
static void table(int out, int in, int t, int mono, int32_t *idx, float *w)
{
    for (int o = 0; o < out; o++)
        for (int k = 0; k < t; k++) {
            int i = mono ? (int)((long)o * in / out) + k : (int)(rnd() % (unsigned)in);
            idx[o * t + k] = i < in ? i : in - 1;
            w[o * t + k] = frand();
        }
}

static void one(size_t planes, int H, int W, int OH, int OW, int ty, int tx, int mono)
{
    int32_t *iy = malloc(sizeof(int32_t) * (size_t)OH * ty), *ix = malloc(sizeof(int32_t) * (size_t)OW * tx);
    float *wy = malloc(sizeof(float) * (size_t)OH * ty), *wx = malloc(sizeof(float) * (size_t)OW * tx);
    table(OH, H, ty, mono, iy, wy);
    table(OW, W, tx, mono, ix, wx);
    const size_t n = planes * (size_t)H * W, on = planes * (size_t)OH * OW;
    float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * (on + 1)), *y2 = malloc(sizeof(float) * (on + 1));
    for (size_t i = 0; i < n; i++)
        x[i] = frand();
    y[on] = y2[on] = -7.0f; /* canary */
    onnxcc_set_num_threads(1);
    onnxcc_f32_resize2d(planes, H, W, OH, OW, ty, iy, wy, tx, ix, wx, x, y);
    double worst = 0;
    for (size_t p = 0; p < planes; p++)
        for (int oh = 0; oh < OH; oh++)
            for (int ow = 0; ow < OW; ow++) {
                double acc = 0, mag = 0;
                for (int i = 0; i < ty; i++)
                    for (int j = 0; j < tx; j++) {
                        const double v = (double)wy[oh * ty + i] * wx[ow * tx + j] *
                                         x[(p * H + (size_t)iy[oh * ty + i]) * W + (size_t)ix[ow * tx + j]];
                        acc += v;
                        mag += fabs(v);
                    }
                const double d = fabs(y[(p * OH + (size_t)oh) * OW + (size_t)ow] - acc) / (mag + 1e-30);
                if (!(d <= worst))
                    worst = d;
            }
    if (!(worst <= 1e-6) || y[on] != -7.0f) {
        printf("FAIL resize2d planes %zu %dx%d -> %dx%d taps %d,%d mono %d: rel error %g\n", planes, H, W, OH, OW,
               ty, tx, mono, worst);
        failures++;
    }
    for (int t = 2; t <= 4; t++) {
        onnxcc_set_num_threads(t);
        onnxcc_f32_resize2d(planes, H, W, OH, OW, ty, iy, wy, tx, ix, wx, x, y2);
        if (memcmp(y, y2, sizeof(float) * (on + 1)) != 0) {
            printf("FAIL resize2d planes %zu %dx%d -> %dx%d: 1 and %d threads differ\n", planes, H, W, OH, OW, t);
            failures++;
        }
    }
    onnxcc_set_num_threads(0);
    free(iy), free(ix), free(wy), free(wx), free(x), free(y), free(y2);
}

int main(void)
{
    one(21, 33, 33, 520, 520, 2, 2, 1); /* DeepLabV3's last Resize */
    one(3, 1, 1, 33, 33, 2, 2, 1);      /* 1x1 -> 33x33 (its pooling branch) */
    one(2, 17, 2100, 35, 2500, 2, 2, 1); /* rows in several column chunks */
    one(5, 9, 7, 4, 3, 4, 4, 1);        /* downsampling, cubic */
    for (int ty = 1; ty <= 4; ty++)
        for (int tx = 1; tx <= 5; tx++)
            for (int mono = 0; mono <= 1; mono++)
                one(1 + (size_t)(ty + tx) % 3, 1 + ty * 3, 2 + tx * 5, 1 + ty * 11 + tx, 3 + tx * 13, ty, tx, mono);
    one(4, 6, 6, 70, 1, 3, 1, 0);       /* one output column */
    if (failures)
        printf("%d failures\n", failures);
    else
        printf("ok\n");
    return failures != 0;
}
