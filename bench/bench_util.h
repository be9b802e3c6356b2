/* bench_util.h — the clock, inputs and sorting the kernel micro-benchmarks
 * (conv_layers.c, bench_dwconv.c) share.  Header-only: static functions. */
#ifndef ONNXCC_BENCH_UTIL_H
#define ONNXCC_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* n floats in [-1, 1] from rand() (seed it for repeatable data); exits when
 * out of memory. */
static float *random_floats(size_t n)
{
    float *p = malloc(sizeof(float) * n);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++)
        p[i] = (float)(rand() % 2001 - 1000) / 1000.0f;
    return p;
}

/* Reads one float per 64-byte line of x[0 .. n), so that x is back in the
 * caches after a flush (as a layer's input is, just written by the layer
 * before). */
static inline void touch_floats(const float *x, size_t n)
{
    volatile float sink = 0.0f;
    for (size_t i = 0; i < n; i += 16)
        sink += x[i];
}

/* qsort comparison of doubles, ascending. */
static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
