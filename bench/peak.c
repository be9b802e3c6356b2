/* peak.c — one core's single-precision FMA peak, measured: `peak`.
 *
 * Twelve independent vector accumulators (enough to cover FMA latency on
 * two FMA pipes), built by bench.py with -O2 -march=native so the vectors are
 * as wide as the machine's.  Prints `peak_gflops G vector_bits B`. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
#define VBYTES 64
#elif defined(__AVX__)
#define VBYTES 32
#else
#define VBYTES 16
#endif
typedef float vf __attribute__((vector_size(VBYTES)));
#define LANES (VBYTES / 4)
#define ACC 12

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
    vf a, b;
    for (int i = 0; i < LANES; i++) {
        a[i] = 0.999999f;
        b[i] = 1e-7f;
    }
    /* Locals, not an array, so every accumulator stays in a register. */
    vf c0 = b, c1 = b * 2, c2 = b * 3, c3 = b * 4, c4 = b * 5, c5 = b * 6;
    vf c6 = b * 7, c7 = b * 8, c8 = b * 9, c9 = b * 10, c10 = b * 11, c11 = b * 12;
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
        long n = 20000000;
        double t0 = now_s();
        for (long i = 0; i < n; i++) {
            c0 = c0 * a + b; c1 = c1 * a + b; c2 = c2 * a + b; c3 = c3 * a + b;
            c4 = c4 * a + b; c5 = c5 * a + b; c6 = c6 * a + b; c7 = c7 * a + b;
            c8 = c8 * a + b; c9 = c9 * a + b; c10 = c10 * a + b; c11 = c11 * a + b;
        }
        double t = now_s() - t0;
        double g = 2.0 * LANES * ACC * (double)n / t / 1e9;
        if (g > best)
            best = g;
    }
    vf sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    float sink = 0;
    for (int i = 0; i < LANES; i++)
        sink += sum[i];
    printf("peak_gflops %.1f vector_bits %d sink %g\n", best, VBYTES * 8, (double)sink);
    return 0;
}
