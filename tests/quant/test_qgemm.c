/* test_qgemm.c — the quantized matrix product (onnxcc_u8s8_gemm: AVX-512
 * VNNI or AVX2 where the CPU has them, over threads) against the
 * reference kernel, bit for bit, at every ISA level the CPU and ONNXCC_ISA
 * allow (the isa_cap argument steps down from the best): K and N below, at
 * and above the kernels' steps (16 and 64 bytes of K, 4 rows, 64-row
 * blocks), several rows M, misaligned pointers, input zero points at both
 * ends, extreme bytes (the largest sums), per-output and per-tensor
 * scales, with and without bias, uint8 and float outputs.  Bytes past the
 * end must stay untouched.  And the reference against the exact sum in
 * double: at most one step apart (a near-tie), floats within float
 * rounding. */
#include "onnxcc/rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qtest.h"

/* extreme: bytes 0/255 and weights -128/127 only */
static void run(int M, int N, int K, uint8_t x_zp, int per_n, int with_bias, int f32_out, int extreme)
{
    const size_t off = next() % 4, pad = 64;
    const size_t nx = (size_t)M * K, nw = (size_t)N * K, ny = (size_t)M * N;
    uint8_t *x = malloc(nx + off + 1);
    int8_t *w = malloc(nw + off + 1);
    float *ws = malloc(sizeof(float) * (size_t)(N + 1));
    int32_t *b = malloc(sizeof(int32_t) * (size_t)(N + 1));
    const size_t ybytes = (f32_out ? 4 : 1) * ny + pad;
    unsigned char *y0 = malloc(ybytes), *y1 = malloc(ybytes);
    for (size_t i = 0; i < nx; i++)
        x[off + i] = extreme ? (next() & 1 ? 255 : 0) : (uint8_t)next();
    for (size_t i = 0; i < nw; i++)
        w[off + i] = extreme ? (next() & 1 ? 127 : -128) : (int8_t)(next() % 255 - 127);
    for (int n = 0; n < N; n++) {
        ws[n] = uniform(0.001f, 0.02f);
        b[n] = (int32_t)(next() % 20001) - 10000;
    }
    const float xs = uniform(0.005f, 0.05f), ys = uniform(0.05f, 0.3f) * sqrtf((float)K);
    const uint8_t yz = (uint8_t)next();
    const int32_t *bias = with_bias ? b : NULL;
    memset(y0, 0xA5, ybytes);
    onnxcc_u8s8_gemm_ref(M, N, K, x + off, xs, x_zp, w + off, ws, per_n, bias, ys, yz, f32_out ? NULL : y0,
                         f32_out ? (float *)(void *)y0 : NULL);
    for (int cap = 3; cap >= 1; cap--) {
        memset(y1, 0xA5, ybytes);
        onnxcc_u8s8_gemm(M, N, K, x + off, xs, x_zp, w + off, ws, per_n, bias, ys, yz, f32_out ? NULL : y1,
                         f32_out ? (float *)(void *)y1 : NULL, cap);
        cases++;
        if (memcmp(y0, y1, ybytes) != 0 && failures++ < 10)
            fprintf(stderr, "FAIL M=%d N=%d K=%d zp=%d per_n=%d bias=%d f32=%d extreme=%d cap=%d (%s)\n", M, N, K,
                    x_zp, per_n, with_bias, f32_out, extreme, cap, onnxcc_rt_isa_name(onnxcc_rt_isa_capped(cap)));
    }
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) {
            double s = with_bias ? b[n] : 0;
            for (int k = 0; k < K; k++)
                s += ((double)x[off + (size_t)m * K + k] - x_zp) * w[off + (size_t)n * K + k];
            const double sc = (double)xs * ws[per_n ? n : 0];
            const size_t o = (size_t)m * N + n;
            if (f32_out) {
                float got;
                memcpy(&got, y0 + 4 * o, 4);
                if (fabs(got - s * sc) > 1e-6 * fabs(s * sc) + 1e-30) {
                    if (failures++ < 10)
                        fprintf(stderr, "FAIL reference float %d,%d: %g, exact %g\n", m, n, got, s * sc);
                    return;
                }
            } else {
                double v = s * sc / ys + yz;
                v = v < 0 ? 0 : v > 255 ? 255 : v;
                if (fabs(v - y0[o]) > 1.0) {
                    if (failures++ < 10)
                        fprintf(stderr, "FAIL reference byte %d,%d: %d, exact %.3f\n", m, n, y0[o], v);
                    return;
                }
            }
        }
    free(x), free(w), free(ws), free(b), free(y0), free(y1);
}

int main(void)
{
    const int Ks[] = {1, 3, 15, 16, 17, 31, 63, 64, 65, 127, 128, 129, 200, 1024, 1280 + 7};
    const int Ns[] = {1, 3, 4, 5, 7, 63, 64, 65, 130};
    for (size_t i = 0; i < sizeof Ks / sizeof *Ks; i++)
        for (size_t j = 0; j < sizeof Ns / sizeof *Ns; j++)
            run(1 + (int)(next() % 2), Ns[j], Ks[i], (uint8_t)next(), (int)(next() & 1), (int)(next() % 3 != 0),
                (int)(next() % 3 == 0), 0);
    const uint8_t zs[] = {0, 255, 128};
    for (int i = 0; i < 3; i++) {
        run(3, 37, 300, zs[i], 1, 1, 0, 1);
        run(3, 37, 300, zs[i], 1, 1, 1, 1);
    }
    run(2, 1000, 1024, 7, 1, 1, 0, 0);                /* DenseNet-121's classifier, two rows */
    run(1, 10, 65535, 255, 0, 0, 1, 1);               /* the largest K: sums near the int32 edge */
    run(5, 9, 33, 200, 0, 1, 0, 0);
    printf("%d cases at %s and below, %d failures\n", cases, onnxcc_rt_isa_name(onnxcc_rt_isa()), failures);
    return failures != 0;
}
