/* qtest.h — what the quantized-kernel tests (test_q*.c) share: a seeded
 * xorshift generator, so every run tests the same cases, and the counts
 * of cases run and failed.  One test program per kernel includes it. */
#ifndef QTEST_H
#define QTEST_H

#include <stdint.h>

static uint64_t rng = 88172645463325252ull;
static int failures, cases;

static inline uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* lo + (hi - lo) * u for u in [0, 1) on a grid of 1e-5 */
static inline float uniform(float lo, float hi)
{
    return lo + (hi - lo) * (float)(next() % 100000) / 100000.0f;
}

#endif
