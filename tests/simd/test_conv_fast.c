/* test_conv_fast.c — the fast conv2d (runtime/fast) against the reference
 * onnxcc_f32_conv2d_ref, at every ISA level this machine has (capped with
 * setenv("ONNXCC_ISA"), and onnxcc_rt_isa() must report the cap).
 *
 * Random weights and inputs at awkward sizes: channel counts that are not
 * multiples of 8/16, 1x1 and odd maps, strides, padding (also asymmetric),
 * dilation, groups up to depthwise, kernels with more taps than the shifted
 * views take, maps wide enough to need several bands, 3x3 layers that run
 * as Winograd (edges not multiples of 4, several bands, groups), batch 2;
 * each case with its own mix of bias, pre-activation, residual and epilogue.
 * x is a
 * channel prefix of a bigger, unaligned buffer, y an unaligned channel slice
 * of one filled with a canary that must survive wherever y has no element,
 * and the scratch starts full of NaN so no result may depend on its old
 * contents.  The packed weights must be the same whatever the ISA cap, and
 * two threads running the kernel at once must both get the single-thread
 * result, as must the kernel run with 2, 3 or 4 threads. */
#define _POSIX_C_SOURCE 200112L
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnxcc/rt.h"

static int failures;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #c);                       \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* Deterministic uniform floats in [-1, 1). */
static unsigned long long rng_state = 0x2545f4914f6cdd1dull;
static float frand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((double)(rng_state >> 40) / (double)(1ull << 24) * 2.0 - 1.0);
}

static float *alloc_floats(size_t n)
{
    float *p = malloc(sizeof(float) * (n ? n : 1));
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static float *random_floats(size_t n)
{
    float *p = alloc_floats(n);
    for (size_t i = 0; i < n; i++)
        p[i] = frand();
    return p;
}

typedef struct Case {
    int N, C, H, W, M, group, kH, kW, sh, sw, dh, dw, pt, pl, pb, pr;
} Case;

static const Case cases[] = {
    /* N   C   H   W    M  grp kH kW sh sw dh dw pt pl pb pr */
    {1, 37, 9, 9, 29, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},     /* 1x1, odd everything */
    {1, 256, 14, 14, 128, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, /* DenseNet block 3 */
    {2, 100, 7, 7, 50, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},    /* 7x7 = 48 + 1 */
    {2, 300, 1, 1, 77, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},    /* 1x1 map (a Gemm) */
    {1, 40, 1, 2, 33, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},     /* 2 pixels */
    {1, 21, 5, 5, 19, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},     /* 25 = 16 + 9 */
    {1, 64, 56, 56, 128, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},  /* several bands */
    {1, 520, 28, 28, 40, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},  /* narrow bands */
    {1, 480, 28, 28, 128, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, /* two threads: rows on Intel, else columns */
    {1, 2700, 14, 14, 40, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, /* 4 x 48 + a 4-column tail */
    {1, 1700, 14, 14, 40, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, /* K split: one band of halves, from two */
    {1, 1888, 7, 7, 24, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},  /* 7x7 in one band */
    {2, 19, 4, 4, 21, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},     /* 16-pixel planes: B read from x */
    {1, 13, 8, 6, 40, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},     /* 48 pixels: one whole tile */
    {1, 128, 14, 14, 32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},  /* DenseNet 3x3 */
    {2, 128, 7, 7, 32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},    /* 3x3 on 7x7 */
    {1, 24, 7, 7, 520, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},    /* 3x3 on 7x7, 520 outputs: im2col */
    {1, 300, 14, 14, 400, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, /* Winograd, U > 4 MB: a panel's at a time */
    {1, 192, 13, 13, 384, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, /* the same, AlexNet's (U 10 MB) */
    {1, 64, 13, 13, 256, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},  /* U 2.4 MB: in blocks from 2 MB */
    {1, 1100, 13, 15, 110, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, /* the same, 2 blocks of inputs, part panel */
    {1, 40, 8, 8, 130, 1, 1, 3, 1, 1, 1, 1, 0, 1, 0, 1},     /* 1x3, small map, 130 outputs: im2col */
    {2, 21, 7, 9, 144, 1, 3, 1, 1, 1, 1, 1, 1, 0, 1, 0},     /* 3x1, the same, batch 2 */
    {1, 100, 33, 33, 880, 1, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0}, /* 3x3/2, weights >= 3 MB: im2col */
    {1, 128, 56, 56, 32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},  /* 3x3, several bands */
    {1, 128, 28, 28, 32, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},  /* 3x3, one band of 7 tile rows */
    {2, 16, 60, 50, 24, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},   /* 2 bands, 2 images (Intel: a band a thread) */
    {1, 16, 80, 100, 16, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},  /* 5 bands: the last alone */
    {1, 19, 11, 13, 21, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},   /* 3x3 odd */
    {2, 9, 17, 23, 10, 1, 3, 3, 1, 1, 1, 1, 0, 2, 2, 0},    /* 3x3 asymmetric pads */
    /* frames whose rows share their padding (conv2d.c's frame_width) */
    {1, 30, 13, 13, 40, 1, 1, 7, 1, 1, 1, 1, 0, 3, 0, 3},   /* 1x7 */
    {2, 11, 9, 12, 13, 1, 3, 5, 1, 1, 1, 1, 1, 3, 1, 1},    /* pad_l > pad_r */
    {1, 12, 10, 11, 17, 1, 3, 5, 1, 1, 1, 1, 1, 1, 2, 3},   /* pad_r > pad_l */
    {1, 9, 12, 13, 14, 1, 3, 3, 1, 1, 1, 2, 1, 2, 1, 2},    /* dilation 1 x 2 */
    {1, 7, 6, 15, 9, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},      /* 15 wide: the widest */
    {1, 24, 20, 18, 8, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0},    /* 3x3 no padding */
    {1, 40, 9, 70, 16, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},    /* 3x3 wide: 18 tiles a row */
    {1, 16, 15, 17, 24, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},   /* stride 2 */
    {1, 10, 40, 41, 12, 1, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1},   /* stride 3 */
    {1, 7, 19, 40, 11, 1, 2, 3, 1, 2, 1, 1, 0, 1, 1, 1},    /* stride 1 x 2 */
    {1, 5, 30, 50, 6, 1, 1, 3, 2, 1, 1, 2, 0, 2, 0, 2},     /* stride 2 x 1, dilation 1 x 2 */
    {1, 3, 45, 45, 64, 1, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3},    /* the stem */
    /* stride-2 im2col from two phases per row (kW >= 5) */
    {2, 6, 21, 40, 10, 1, 5, 5, 2, 2, 1, 1, 2, 1, 2, 3},    /* 5x5/2, odd, asymmetric pads */
    {1, 2, 9, 301, 8, 1, 7, 7, 2, 2, 1, 1, 3, 3, 3, 2},     /* 7x7/2, rows across bands */
    {1, 1, 3, 2061, 4, 1, 1, 5, 2, 2, 1, 1, 0, 2, 0, 2},    /* rows too wide for the phases */
    /* stride 2 on phase frames: bands, K split, pads, parities */
    {1, 64, 112, 112, 40, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, /* 3x3/2, several bands */
    {2, 96, 14, 14, 72, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},   /* 3x3/2 to 7x7: K split */
    {1, 256, 28, 28, 64, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},  /* 3x3/2 to 14x14: one band of halves */
    {1, 3, 33, 30, 32, 1, 3, 3, 2, 2, 1, 1, 0, 1, 1, 0},    /* 3x3/2 stem, odd and asymmetric */
    {2, 11, 13, 16, 9, 1, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0},    /* 2x2/2 */
    {1, 10, 17, 19, 13, 1, 1, 3, 2, 2, 1, 1, 0, 1, 0, 1},   /* 1x3/2: column parities only */
    {1, 10, 17, 19, 13, 1, 5, 1, 2, 2, 1, 1, 2, 0, 1, 0},   /* 5x1/2: row parities only */
    {1, 8, 12, 10, 20, 1, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},    /* dilation 2 */
    {1, 6, 7, 7, 9, 1, 3, 3, 1, 1, 4, 4, 4, 4, 4, 4},       /* dilation 4: im2col */
    {1, 24, 10, 10, 24, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},  /* depthwise */
    {1, 24, 9, 9, 48, 24, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},    /* depthwise x2, stride 2 */
    {1, 32, 9, 9, 48, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},     /* 4 groups */
    {2, 12, 8, 11, 18, 3, 2, 3, 1, 1, 1, 1, 0, 1, 2, 0},    /* asymmetric pads, groups */
    {1, 5, 1, 40, 7, 1, 1, 5, 1, 1, 1, 1, 0, 2, 0, 2},      /* 1-D */
    {1, 4, 20, 20, 10, 1, 9, 9, 1, 1, 1, 1, 4, 4, 4, 4},    /* 81 taps: im2col */
    {1, 33, 13, 13, 17, 1, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0},   /* 1x1 stride 2 */
    {1, 9, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},       /* 1x1 with padding, M 1 */
    {1, 17, 3, 3, 9, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},      /* tiny map, M 9 */
    {1, 7, 3, 4, 8, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0},       /* one output row */
    {1, 2, 3, 3, 4, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0},       /* one output pixel */
    {1, 4, 3, 5, 6, 1, 3, 3, 1, 1, 1, 1, 40, 30, 20, 50},   /* pads far wider than the kernel */
    {1, 8, 4, 3, 8, 8, 3, 3, 2, 2, 1, 1, 30, 40, 30, 20},   /* the same, depthwise, stride 2 */
    /* dilated, most taps in the padding: valid taps only (conv2d_taps.c) */
    {1, 128, 33, 33, 96, 1, 3, 3, 1, 1, 12, 12, 12, 12, 12, 12}, /* ASPP-like: 3 x 3 rectangles */
    {2, 80, 11, 9, 100, 1, 3, 3, 1, 1, 12, 12, 12, 12, 12, 12}, /* centre tap only */
    {1, 72, 15, 17, 150, 1, 3, 3, 1, 1, 9, 7, 9, 7, 9, 7},     /* dilation 9 x 7 */
    {1, 300, 19, 23, 40, 1, 3, 3, 1, 1, 8, 8, 8, 8, 8, 8},     /* pieces of several rows */
    {1, 2800, 3, 160, 18, 1, 3, 3, 1, 1, 2, 50, 2, 50, 2, 50}, /* rows wider than a piece */
    {1, 256, 20, 19, 192, 2, 3, 3, 1, 1, 9, 9, 7, 10, 11, 8},  /* groups, asymmetric pads */
    {1, 128, 80, 90, 96, 1, 5, 3, 2, 3, 18, 36, 36, 35, 36, 37}, /* 5x3, strides 2 x 3 */
    {2, 64, 5, 6, 160, 1, 3, 3, 1, 1, 7, 7, 9, 9, 9, 9},       /* some outputs see no tap */
    {1, 64, 8, 8, 64, 1, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},        /* small: a 9x9 mosaic */
    /* strides above 2, im2col from s phases per row */
    {1, 3, 63, 58, 10, 1, 11, 11, 4, 4, 1, 1, 2, 2, 2, 2},   /* AlexNet-like 11x11/4 stem */
    {2, 5, 23, 31, 7, 1, 5, 7, 3, 3, 1, 1, 1, 3, 2, 0},      /* 5x7/3, asymmetric pads */
    {1, 4, 40, 70, 6, 1, 9, 9, 5, 5, 1, 1, 4, 4, 4, 4},      /* 9x9/5 */
    {1, 3, 227, 227, 64, 1, 11, 11, 4, 4, 1, 1, 0, 0, 0, 0}, /* 11x11/4, several bands */
    /* grouped layers, whole groups per task (grouped_run) */
    {1, 400, 7, 7, 400, 25, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},   /* RegNetX: 25 groups of 16 */
    {2, 90, 14, 15, 150, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},  /* 9 -> 15 per group, GEMM not Winograd */
    {1, 48, 61, 58, 48, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},    /* 3x3/2 phased, several bands */
    {1, 84, 13, 13, 84, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},    /* 3x3/2 to 7x7: phased, narrow rows */
    {1, 32, 112, 112, 32, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},  /* RegNetX's first: phased, 2 bands */
    {2, 24, 41, 37, 16, 2, 5, 5, 2, 2, 1, 1, 2, 3, 1, 0},    /* 5x5/2 phased, pads 2/3/1/0 */
    {2, 30, 9, 12, 20, 5, 3, 3, 2, 2, 1, 1, 0, 1, 1, 0},     /* the same, odd and asymmetric */
    {2, 40, 4, 8, 60, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},      /* 1x1 grouped, B read from x */
    {1, 36, 9, 10, 54, 6, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0},     /* 1x1/2 grouped */
    {1, 64, 30, 30, 64, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},   /* ResNeXt-like: 2 channels a group */
    {1, 6, 20, 21, 9, 3, 3, 3, 1, 1, 2, 2, 2, 1, 2, 3},      /* grouped, dilated, asymmetric pads */
    /* dilated 3x3 with padding d: one Winograd call on a mosaic of the
     * phases (conv2d_dilated.c) */
    {2, 16, 30, 27, 24, 1, 3, 3, 1, 1, 3, 3, 3, 3, 3, 3},    /* dilation 3, batch 2, odd sizes */
    {1, 40, 41, 45, 33, 1, 3, 3, 1, 1, 4, 4, 4, 4, 4, 4},    /* dilation 4, phases of 10 and 11 */
    {1, 16, 70, 66, 17, 1, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},    /* dilation 2, Winograd in bands */
    {1, 9, 19, 18, 8, 1, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},      /* the fewest channels */
    {1, 12, 20, 20, 12, 1, 3, 3, 1, 1, 2, 2, 2, 2, 2, 1},    /* asymmetric pads: not a mosaic */
    {1, 24, 56, 54, 20, 1, 3, 3, 1, 1, 12, 12, 12, 12, 12, 12}, /* dilation 12: phases of 4 and 5 */
    /* im2col on small maps (at least 128 outputs) with K split in halves */
    {2, 160, 7, 7, 144, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},   /* 3x3 at 7x7: 48 + 1 columns */
    {1, 136, 8, 8, 128, 1, 1, 3, 1, 1, 1, 1, 0, 1, 0, 1},   /* Inception's 1x3 at 8x8 */
    /* taps reaching past a thread's columns (a halo): with threads, each
     * fills its own columns and the halo after them (halo_fits) */
    {1, 96, 35, 35, 96, 1, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0},  /* Inception's 3x3/2, phased */
    {1, 48, 35, 35, 64, 1, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},  /* Inception's 5x5: a halo of 4 rows */
    /* weights of half a band of B or more: with threads, output channels
     * split over a shared B per band (rows_split) */
    {1, 160, 17, 17, 160, 1, 1, 7, 1, 1, 1, 1, 0, 3, 0, 3}, /* Inception's 1x7 at 17x17: 3 bands */
    /* 1x1 with few outputs on planes that are not a multiple of 16: x read
     * in place up to the last multiple, the rest from a copy (direct_tail) */
    {1, 64, 55, 55, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},   /* SqueezeNet's squeeze: 3024 + 1 */
    {2, 48, 27, 27, 40, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},   /* 720 + 9, batch 2 */
    /* Winograd at 13x13 with 192 outputs: U fused per panel from 1 MB */
    {1, 48, 13, 13, 192, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
    /* one band, at least twice as many outputs as inputs: with two threads
     * each makes its own V and half of the output panels (PARTS_PANELS) */
    {1, 32, 27, 27, 128, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, /* SqueezeNet's, U packed */
    {2, 12, 20, 18, 40, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},  /* U made per call, 2 + 1 panels */
};
#define NUM_CASES ((int)(sizeof cases / sizeof cases[0]))

/* One case, fully set up: buffers, views and the reference result. */
typedef struct Setup {
    OnnxccConv2dParams p;
    float *w, *bias, *scale, *shift;
    float *xbuf, *x; /* x: unaligned channel prefix of xbuf */
    float *rbuf, *res; /* residual or NULL: unaligned, images apart by r_img_stride */
    size_t ylen, y0; /* y = ybuf + y0 within ylen floats */
    float *want;     /* the reference, laid out as y */
    double bound;    /* allowed max |fast - ref| */
} Setup;

#define CANARY -777.25f
#define X_EXTRA_CH 3 /* x channels past C in each image */
#define Y_EXTRA_CH 2 /* y channels before and after the slice */

static void setup_case(const Case *c, int variant, Setup *s)
{
    OnnxccConv2dParams *p = &s->p;
    memset(p, 0, sizeof *p);
    p->N = c->N, p->C = c->C, p->H = c->H, p->W = c->W, p->M = c->M, p->group = c->group;
    p->kH = c->kH, p->kW = c->kW, p->stride_h = c->sh, p->stride_w = c->sw;
    p->dil_h = c->dh, p->dil_w = c->dw;
    p->pad_t = c->pt, p->pad_l = c->pl, p->pad_b = c->pb, p->pad_r = c->pr;
    p->OH = (c->H + c->pt + c->pb - c->dh * (c->kH - 1) - 1) / c->sh + 1;
    p->OW = (c->W + c->pl + c->pr - c->dw * (c->kW - 1) - 1) / c->sw + 1;
    const size_t plane = (size_t)c->H * c->W, oplane = (size_t)p->OH * p->OW;
    p->x_img_stride = (size_t)(c->C + X_EXTRA_CH) * plane;
    p->y_img_stride = (size_t)(c->M + 2 * Y_EXTRA_CH) * oplane;
    /* The variant picks the fusions: pre-activation kind, act, bias. */
    const int prek = variant % 5, actk = (variant / 5 + variant) % 4;
    p->pre_relu = prek == 1 || prek == 3;
    p->act.kind = actk;
    p->act.a = actk == ONNXCC_ACT_CLIP ? -0.5f : 0.1f;
    p->act.b = actk == ONNXCC_ACT_CLIP ? 0.75f : 0.0f;

    const size_t k = (size_t)(c->C / c->group) * c->kH * c->kW;
    s->w = random_floats((size_t)c->M * k);
    s->bias = variant % 3 != 2 ? random_floats((size_t)c->M) : NULL;
    s->scale = prek == 1 || prek == 2 ? random_floats((size_t)c->C) : NULL;
    s->shift = prek == 1 || prek == 4 ? random_floats((size_t)c->C) : NULL;
    const size_t xlen = (size_t)c->N * p->x_img_stride;
    s->xbuf = random_floats(xlen + 1);
    s->x = s->xbuf + 1;
    /* Every other variant adds a residual, its images one channel apart
     * more than dense. */
    s->rbuf = s->res = NULL;
    if (variant % 2) {
        p->r_img_stride = (size_t)(c->M + 1) * oplane;
        s->rbuf = random_floats((size_t)c->N * p->r_img_stride + 1);
        s->res = s->rbuf + 1;
    }
    s->y0 = Y_EXTRA_CH * oplane + 1;
    s->ylen = (size_t)c->N * p->y_img_stride + 2;
    s->want = alloc_floats(s->ylen);
    for (size_t i = 0; i < s->ylen; i++)
        s->want[i] = CANARY;
    onnxcc_f32_conv2d_ref(p, s->x, s->w, s->bias, s->scale, s->shift, s->res, s->want + s->y0);
    /* Float sums drift like sqrt(K) roundings (2^-24 each) of partial sums
     * the size of the sum before the epilogue (which can hide it): bound
     * with a margin of about 15. */
    float *sums = s->want;
    if (p->act.kind != ONNXCC_ACT_NONE) {
        OnnxccConv2dParams lin = *p;
        lin.act.kind = ONNXCC_ACT_NONE;
        sums = alloc_floats(s->ylen);
        onnxcc_f32_conv2d_ref(&lin, s->x, s->w, s->bias, s->scale, s->shift, s->res, sums + s->y0);
    }
    double most = 1.0;
    for (size_t i = 0; i < s->ylen; i++)
        if (s->want[i] != CANARY)
            most = fmax(most, fabs(sums[i]));
    if (sums != s->want)
        free(sums);
    s->bound = 1e-6 * sqrt((double)k) * most;
}

static void free_setup(Setup *s)
{
    free(s->w), free(s->bias), free(s->scale), free(s->shift), free(s->xbuf), free(s->rbuf);
    free(s->want);
}

static float *pack(const OnnxccConv2dParams *p, const float *w, size_t *len)
{
    *len = onnxcc_f32_conv2d_packed_size(p);
    float *packed = alloc_floats(*len);
    onnxcc_f32_conv2d_pack(p, w, packed);
    return packed;
}

/* Runs the fast kernel into a fresh canary-filled y, NaN-filled scratch. */
static float *run_fast(const Setup *s, const float *packed)
{
    const size_t ss = onnxcc_f32_conv2d_scratch_size(&s->p);
    void *mem = NULL;
    float *y = alloc_floats(s->ylen);
    if (posix_memalign(&mem, 64, sizeof(float) * (ss ? ss : 1)) != 0) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    float *scratch = mem;
    for (size_t i = 0; i < ss; i++)
        scratch[i] = NAN;
    for (size_t i = 0; i < s->ylen; i++)
        y[i] = CANARY;
    onnxcc_f32_conv2d(&s->p, s->x, packed, s->bias, s->scale, s->shift, s->res, scratch, y + s->y0);
    free(scratch);
    return y;
}

/* One case and variant at every ISA level up to best: the result against
 * the reference, y's canaries, and the packed weights against those packed
 * under the scalar cap.  compact: the layer's weights packed compact. */
static void check_case(int ci, int variant, int best, int compact)
{
    Setup s;
    setup_case(&cases[ci], variant, &s);
    s.p.compact_weights = compact;
    float *first = NULL;
    size_t first_len = 0;
    for (int isa = ONNXCC_ISA_SCALAR; isa <= best; isa++) {
        const char *name = onnxcc_rt_isa_name(isa);
        setenv("ONNXCC_ISA", name, 1);
        CHECK(onnxcc_rt_isa() == isa);
        size_t len;
        float *packed = pack(&s.p, s.w, &len);
        if (!first)
            first = packed, first_len = len;
        else
            CHECK(len == first_len && memcmp(packed, first, sizeof(float) * len) == 0);
        float *y = run_fast(&s, packed);
        double worst = 0;
        int bad_canary = 0;
        for (size_t i = 0; i < s.ylen; i++) {
            if (s.want[i] == CANARY)
                bad_canary += y[i] != CANARY;
            else
                worst = isnan(y[i]) ? INFINITY : fmax(worst, fabs((double)y[i] - s.want[i]));
        }
        if (worst > s.bound || bad_canary) {
            fprintf(stderr, "%s case %d variant %d: max |diff| %g (bound %g), %d canaries hit\n",
                    name, ci, variant, worst, s.bound, bad_canary);
            failures++;
        }
        free(y);
        if (packed != first)
            free(packed);
    }
    free(first);
    free_setup(&s);
}

/* Two threads, each its own scratch and y, running the same layer at once. */
typedef struct Job {
    const Setup *s;
    const float *packed;
    float *y;
} Job;

static void *thread_main(void *arg)
{
    Job *j = arg;
    for (int rep = 0; rep < 3; rep++) {
        free(j->y);
        j->y = run_fast(j->s, j->packed);
    }
    return NULL;
}

static void check_threads(void)
{
    Setup s;
    setup_case(&cases[8], 1, &s);
    size_t len;
    float *packed = pack(&s.p, s.w, &len);
    float *solo = run_fast(&s, packed);
    Job jobs[2] = {{&s, packed, NULL}, {&s, packed, NULL}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&th[i], NULL, thread_main, &jobs[i]) == 0);
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
        CHECK(memcmp(jobs[i].y, solo, sizeof(float) * s.ylen) == 0);
        free(jobs[i].y);
    }
    free(solo);
    free(packed);
    free_setup(&s);
}

/* Every case at the best ISA with 1 to 4 threads: the same bits whatever
 * the count (the threads split bands, panels and columns differently, and
 * by-columns cuts fall at other places), canaries included; compact weights
 * too (threads split the making of U by channels). */
static void check_thread_counts(int compact)
{
    for (int ci = 0; ci < NUM_CASES; ci++) {
        Setup s;
        setup_case(&cases[ci], ci % 20, &s);
        s.p.compact_weights = compact;
        size_t len;
        float *packed = pack(&s.p, s.w, &len);
        onnxcc_set_num_threads(1);
        float *solo = run_fast(&s, packed);
        for (int t = 2; t <= 4; t++) {
            onnxcc_set_num_threads(t);
            float *y = run_fast(&s, packed);
            if (memcmp(y, solo, sizeof(float) * s.ylen) != 0) {
                fprintf(stderr, "case %d: %d threads differ from 1\n", ci, t);
                failures++;
            }
            free(y);
        }
        onnxcc_set_num_threads(0);
        free(solo);
        free(packed);
        free_setup(&s);
    }
}

/* The per-vendor blockings (onnxcc_fast_intel: narrow bands, the weights
 * from which two threads split rows) change neither a bit nor the scratch
 * a layer needs: every case at the best ISA with 1 and 2 threads, tuned as
 * for Intel and as for other CPUs, the same output, each run in exactly its
 * scratch size (NaN-filled). */
static void check_vendors(void)
{
    for (int ci = 0; ci < NUM_CASES; ci++) {
        Setup s;
        setup_case(&cases[ci], ci % 20, &s);
        size_t len;
        float *packed = pack(&s.p, s.w, &len);
        for (int t = 1; t <= 2; t++) {
            onnxcc_set_num_threads(t);
            setenv("ONNXCC_CPU_VENDOR", "intel", 1);
            float *intel = run_fast(&s, packed);
            setenv("ONNXCC_CPU_VENDOR", "other", 1);
            float *other = run_fast(&s, packed);
            if (memcmp(intel, other, sizeof(float) * s.ylen) != 0) {
                fprintf(stderr, "case %d, %d thread(s): Intel's tuning differs from the others'\n", ci, t);
                failures++;
            }
            free(intel), free(other);
        }
        unsetenv("ONNXCC_CPU_VENDOR");
        onnxcc_set_num_threads(0);
        free(packed);
        free_setup(&s);
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress and failures in order */
    unsetenv("ONNXCC_ISA");
    const int best = onnxcc_rt_isa();
    printf("best ISA: %s\n", onnxcc_rt_isa_name(best));
    CHECK(best >= ONNXCC_ISA_SCALAR && best <= ONNXCC_ISA_AVX512);
    setenv("ONNXCC_ISA", "no-such-isa", 1);
    CHECK(onnxcc_rt_isa() == best);
    CHECK(strcmp(onnxcc_rt_isa_name(7), "unknown") == 0);

    int checked = 0;
    for (int ci = 0; ci < NUM_CASES; ci++)
        for (int variant = ci % 4; variant < 20; variant += 7, checked++)
            check_case(ci, variant, best, 0);
    printf("%d layers checked at every level up to %s\n", checked, onnxcc_rt_isa_name(best));
    /* compact_weights on the layers that run as Winograd: the kernels packed
     * (a quarter of the transformed weights), U made in scratch per call
     * (more scratch), the Winograd bound.  Maps of 9 to 32 tiles make U
     * per call in either layout: there compact changes nothing. */
    checked = 0;
    int lazy_fast = 0, eager_fast = 0;
    for (int ci = 0; ci < NUM_CASES; ci++) {
        Setup s;
        setup_case(&cases[ci], 0, &s);
        if (onnxcc_f32_conv2d_scratch_kind(&s.p) == 1) {
            const size_t wino = onnxcc_f32_conv2d_packed_size(&s.p);
            const size_t scratch = onnxcc_f32_conv2d_scratch_size(&s.p);
            size_t len;
            float *packed = pack(&s.p, s.w, &len);
            if (packed[0] == 5.0f) { /* dilated, always compact: checked below */
                free(packed);
                free_setup(&s);
                continue;
            }
            const int tiles = ((s.p.OH + 3) / 4) * ((s.p.OW + 3) / 4);
            const int small = tiles >= 9 && tiles <= 32;
            CHECK(packed[0] == (small ? 2.0f : 1.0f)); /* the header names (lazy) Winograd */
            free(packed);
            lazy_fast += small;
            eager_fast += !small;
            s.p.compact_weights = 1;
            CHECK(onnxcc_f32_conv2d_scratch_kind(&s.p) == 1);
            if (small) {
                CHECK(onnxcc_f32_conv2d_packed_size(&s.p) == wino);
                CHECK(onnxcc_f32_conv2d_scratch_size(&s.p) == scratch);
            } else {
                CHECK(4 * onnxcc_f32_conv2d_packed_size(&s.p) < wino + 64);
                CHECK(onnxcc_f32_conv2d_scratch_size(&s.p) > scratch);
            }
            packed = pack(&s.p, s.w, &len);
            CHECK(packed[0] == 2.0f); /* the header names lazy Winograd */
            free(packed);
            for (int variant = ci % 4; variant < 20; variant += 7, checked++)
                check_case(ci, variant, best, 1);
        }
        free_setup(&s);
    }
    printf("%d Winograd layers checked with compact weights (fast layout: %d lazy, %d eager)\n", checked,
           lazy_fast, eager_fast);
    CHECK(checked >= 9);
    CHECK(lazy_fast >= 1 && eager_fast >= 1);
    /* The dilated layers with most taps in the padding pack as
     * conv2d_taps.c's algorithm (header 3); dilated dense ones do not. */
    int taps_layers = 0;
    for (int ci = 0; ci < NUM_CASES; ci++) {
        Setup s;
        setup_case(&cases[ci], 0, &s);
        size_t len;
        float *packed = pack(&s.p, s.w, &len);
        taps_layers += packed[0] == 3.0f;
        if (packed[0] == 3.0f)
            printf("case %d (C %d, %dx%d, dilation %dx%d): valid taps only\n", ci, cases[ci].C, cases[ci].H,
                   cases[ci].W, cases[ci].dh, cases[ci].dw);
        CHECK(packed[0] != 3.0f || s.p.dil_h > 1 || s.p.dil_w > 1);
        if (cases[ci].dw == 2 && cases[ci].W == 50)
            CHECK(packed[0] == 0.0f); /* 1x3 at dilation 2 on 30x50 */
        free(packed);
        free_setup(&s);
    }
    printf("%d layers run on their valid taps only\n", taps_layers);
    CHECK(taps_layers >= 8);
    /* Dilated layers with padding d on maps the mosaic adds little to run as
     * Winograd on the mosaic (header 5), with the kernels packed as they
     * are (9 floats each, whatever compact_weights says) and the
     * Winograd bound. */
    int mosaics = 0;
    for (int ci = 0; ci < NUM_CASES; ci++) {
        Setup s;
        setup_case(&cases[ci], 0, &s);
        size_t len;
        float *packed = pack(&s.p, s.w, &len);
        const Case *c = &cases[ci];
        const int same = c->dh == c->dw && c->dh > 1 && c->pt == c->dh && c->pl == c->dh && c->pb == c->dh &&
                         c->pr == c->dh && c->sh == 1 && c->sw == 1 && c->kH == 3 && c->kW == 3 && c->group == 1;
        const int big = (c->H + c->dh - 1) * (c->W + c->dw - 1) * 2 <= 3 * c->H * c->W;
        CHECK((packed[0] == 5.0f) == (same && big && c->C >= 8 && c->M >= 8));
        if (packed[0] == 5.0f) {
            mosaics++;
            CHECK(onnxcc_f32_conv2d_scratch_kind(&s.p) == 1);
            CHECK(len == 16 + 9 * (size_t)c->C * (size_t)((c->M + 15) / 16 * 16));
            s.p.compact_weights = 1;
            CHECK(onnxcc_f32_conv2d_packed_size(&s.p) == len);
            for (int variant = ci % 4; variant < 20; variant += 7)
                check_case(ci, variant, best, 1);
        }
        free(packed);
        free_setup(&s);
    }
    printf("%d dilated layers run as Winograd on a mosaic\n", mosaics);
    CHECK(mosaics >= 7);
    unsetenv("ONNXCC_ISA");
    check_threads();
    check_thread_counts(0);
    check_thread_counts(1);
    check_vendors();

    if (failures) {
        fprintf(stderr, "test_conv_fast: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_conv_fast: all passed\n");
    return 0;
}
