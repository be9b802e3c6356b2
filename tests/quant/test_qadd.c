/* test_qadd.c — the quantized Add (onnxcc_u8_qadd: AVX-512 or AVX2 where
 * the CPU has them) against the reference loop, bit for bit, at every ISA
 * level the CPU and ONNXCC_ISA allow (the isa_cap argument steps down
 * from the best): lengths 0 to 300 around the 16-, 32- and 64-byte steps
 * and a few large ones, misaligned pointers, zero points at both ends,
 * scale ratios from tiny to saturating, and degenerate scales (0, inf, a
 * huge ratio: the INT32_MIN conversion path).  Bytes past the end must
 * stay untouched.  And the reference loop against the exact sum in
 * double: at most one step apart (a near-tie), for ordinary scales. */
#include "onnxcc/rt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qtest.h"

static void run(size_t n, float as, uint8_t az, float bs, uint8_t bz, float cs, uint8_t cz, int ordinary)
{
    const size_t off = next() % 4, pad = 70;
    uint8_t *a = malloc(n + pad), *b = malloc(n + pad), *c0 = malloc(n + pad), *c1 = malloc(n + pad);
    for (size_t i = 0; i < n + pad; i++)
        a[i] = (uint8_t)next(), b[i] = (uint8_t)next();
    memset(c0, 0xA5, n + pad);
    onnxcc_u8_qadd_ref(n, a + off, as, az, b + off, bs, bz, cs, cz, c0 + off);
    for (int cap = 3; cap >= 1; cap--) {
        memset(c1, 0xA5, n + pad);
        onnxcc_u8_qadd(n, a + off, as, az, b + off, bs, bz, cs, cz, c1 + off, cap);
        cases++;
        if (memcmp(c0, c1, n + pad) != 0) {
            size_t i = 0;
            while (c0[i] == c1[i])
                i++;
            if (failures++ < 10)
                fprintf(stderr, "FAIL n=%zu cap=%d (%s) scales %g %g %g zps %d %d %d: byte %zu: %d vs ref %d\n", n,
                        cap, onnxcc_rt_isa_name(onnxcc_rt_isa_capped(cap)), as, bs, cs, az, bz, cz, i, c1[i], c0[i]);
        }
    }
    for (size_t i = 0; ordinary && i < n; i++) {
        double s = ((double)a[off + i] - az) * as + ((double)b[off + i] - bz) * bs;
        double v = s / cs + cz;
        v = v < 0 ? 0 : v > 255 ? 255 : v;
        if (fabs(v - c0[off + i]) > 1.0) {
            if (failures++ < 10)
                fprintf(stderr, "FAIL n=%zu: reference byte %zu is %d, exact %.3f\n", n, i, c0[off + i], v);
            break;
        }
    }
    free(a), free(b), free(c0), free(c1);
}

int main(void)
{
    for (size_t n = 0; n <= 300; n++)
        run(n, uniform(0.005f, 0.1f), (uint8_t)next(), uniform(0.005f, 0.1f), (uint8_t)next(),
            uniform(0.01f, 0.2f), (uint8_t)next(), 1);
    const size_t big[] = {1000, 4095, 4096, 4097, 12544 + 13, 65536 + 63};
    for (size_t k = 0; k < sizeof big / sizeof *big; k++)
        run(big[k], uniform(0.005f, 0.1f), (uint8_t)next(), uniform(0.005f, 0.1f), (uint8_t)next(),
            uniform(0.01f, 0.2f), (uint8_t)next(), 1);
    /* zero points at both ends, ratios far apart, saturation both ways */
    const uint8_t zs[] = {0, 255, 128};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            run(257, 0.02f, zs[i], 0.5f, zs[j], 0.01f, zs[(i + j) % 3], 1);
            run(129, 1e-4f, zs[i], 0.03f, zs[j], 0.05f, zs[j], 1);
        }
    /* degenerate: c_scale 0 (inf ratios, NaN where a term is 0), huge
     * ratios past int32, infinite and tiny scales */
    run(200, 0.02f, 3, 0.03f, 250, 0.0f, 7, 0);
    run(200, 1e30f, 100, 0.03f, 5, 1e-8f, 0, 0);
    run(200, INFINITY, 100, 0.03f, 5, 0.1f, 9, 0);
    run(200, 1e-30f, 1, 1e-30f, 2, 1.0f, 128, 1);
    printf("%d cases at %s and below, %d failures\n", cases, onnxcc_rt_isa_name(onnxcc_rt_isa()), failures);
    return failures != 0;
}
