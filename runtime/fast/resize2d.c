/* resize2d.c — float Resize of the last two axes (linear or cubic, the
 * taps and weights of each output row and column tabulated by the
 * compiler), as separable sums: each input row a band needs is first
 * resized along W into a cache of SLOTS rows, and each output row is then
 * the weighted sum of its rows' cached values.  Upsampling reads each
 * input row once per band instead of once per output (DeepLabV3's last
 * Resize, 21 x 33x33 -> 520x520: four gathered loads per output before).
 * Plain C written for the vectoriser (this file alone is compiled with it
 * on).
 *
 * Tasks take bands of output rows of one plane; every output is the same
 * float sums in the same order whatever the split, so results are bitwise
 * identical for every thread count. */
#include "fast.h"

#define SLOTS 4          /* cached rows: at least the taps of a row */
#define RZ_COLS 1024     /* output columns per chunk of a row */
#define RZ_BAND 16       /* output rows per task unit */

typedef struct {
    size_t planes;
    int H, W, OH, OW, ty, tx;
    const int32_t *iy, *ix;
    const float *wy, *wx;
    const float *x;
    float *y;
    int ntasks;
} RzJob;

/* Columns [c0, c0 + n) of input row xr resized along W into h. */
static void rz_row(const RzJob *j, const float *xr, int c0, int n, float *h)
{
    const int32_t *ix = j->ix + (size_t)c0 * (size_t)j->tx;
    const float *wx = j->wx + (size_t)c0 * (size_t)j->tx;
    if (j->tx == 2) {
        for (int o = 0; o < n; o++)
            h[o] = wx[2 * o] * xr[ix[2 * o]] + wx[2 * o + 1] * xr[ix[2 * o + 1]];
        return;
    }
    for (int o = 0; o < n; o++) {
        float acc = 0.0f;
        for (int t = 0; t < j->tx; t++)
            acc += wx[o * j->tx + t] * xr[ix[o * j->tx + t]];
        h[o] = acc;
    }
}

/* Output rows [r0, r1) of plane pl. */
static void rz_band(const RzJob *j, size_t pl, int r0, int r1)
{
    float cache[SLOTS][RZ_COLS];
    const float *xp = j->x + pl * (size_t)j->H * (size_t)j->W;
    float *yp = j->y + pl * (size_t)j->OH * (size_t)j->OW;
    for (int c0 = 0; c0 < j->OW; c0 += RZ_COLS) {
        const int n = j->OW - c0 < RZ_COLS ? j->OW - c0 : RZ_COLS;
        int tag[SLOTS] = {-1, -1, -1, -1};
        for (int oh = r0; oh < r1; oh++) {
            const int32_t *iy = j->iy + (size_t)oh * (size_t)j->ty;
            const float *wy = j->wy + (size_t)oh * (size_t)j->ty;
            const float *h[SLOTS];
            /* The row's taps in the cache: hits first, then misses into
             * slots no tap of this row holds. */
            int used = 0;
            for (int t = 0; t < j->ty; t++) {
                h[t] = NULL;
                for (int s = 0; s < SLOTS; s++)
                    if (tag[s] == iy[t]) {
                        h[t] = cache[s];
                        used |= 1 << s;
                    }
            }
            for (int t = 0; t < j->ty; t++) {
                if (h[t])
                    continue;
                int s = 0;
                while (used & (1 << s))
                    s++;
                rz_row(j, xp + (size_t)iy[t] * (size_t)j->W, c0, n, cache[s]);
                tag[s] = iy[t];
                used |= 1 << s;
                for (int u = t; u < j->ty; u++) /* later taps on the same row */
                    if (!h[u] && iy[u] == iy[t])
                        h[u] = cache[s];
            }
            float *restrict yr = yp + (size_t)oh * (size_t)j->OW + c0;
            if (j->ty == 2) {
                const float a = wy[0], b = wy[1];
                const float *restrict h0 = h[0], *restrict h1 = h[1];
                for (int o = 0; o < n; o++)
                    yr[o] = a * h0[o] + b * h1[o];
                continue;
            }
            for (int o = 0; o < n; o++) {
                float acc = 0.0f;
                for (int t = 0; t < j->ty; t++)
                    acc += wy[t] * h[t][o];
                yr[o] = acc;
            }
        }
    }
}

static void rz_task(void *ctx, int t)
{
    const RzJob *j = ctx;
    const size_t bands = (size_t)(j->OH + RZ_BAND - 1) / RZ_BAND;
    size_t lo, hi;
    fast_split(j->planes * bands, 1, j->ntasks, t, &lo, &hi);
    for (size_t u = lo; u < hi; u++) {
        const int r0 = (int)(u % bands) * RZ_BAND;
        rz_band(j, u / bands, r0, j->OH - r0 < RZ_BAND ? j->OH : r0 + RZ_BAND);
    }
}

void onnxcc_f32_resize2d(size_t planes, int H, int W, int OH, int OW, int ty, const int32_t *iy, const float *wy,
                         int tx, const int32_t *ix, const float *wx, const float *x, float *y)
{
    if (planes == 0 || OH <= 0 || OW <= 0 || ty < 1 || ty > SLOTS || tx < 1)
        return;
    RzJob j = {planes, H, W, OH, OW, ty, tx, iy, ix, wy, wx, x, y, 1};
    const size_t units = planes * (size_t)((OH + RZ_BAND - 1) / RZ_BAND);
    j.ntasks = fast_tasks(planes * (size_t)OH * (size_t)OW, 65536, units);
    if (j.ntasks > 1)
        j.ntasks = (int)(units < (size_t)(TASKS_PER_THREAD * j.ntasks) ? units : (size_t)(TASKS_PER_THREAD * j.ntasks));
    onnxcc_fast_parallel(j.ntasks, rz_task, &j);
}
