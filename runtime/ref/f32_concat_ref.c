/* f32_concat_ref.c — reference Concat: inputs [outer][sizes[i]][inner]
 * placed one after another along the middle axis of y. */
#include "onnxcc/rt.h"

#include <string.h>

void onnxcc_f32_concat_ref(size_t outer, size_t inner, size_t n, const float *const xs[],
                           const size_t sizes[], float *y)
{
    size_t total = 0; /* output size along the axis */
    for (size_t i = 0; i < n; i++)
        total += sizes[i];

    size_t at = 0; /* where input i starts along the axis */
    for (size_t i = 0; i < n; i++) {
        const size_t chunk = sizes[i] * inner; /* contiguous run per outer index */
        if (chunk) {
            for (size_t o = 0; o < outer; o++)
                memcpy(y + (o * total + at) * inner, xs[i] + o * chunk, chunk * sizeof *y);
        }
        at += sizes[i];
    }
}
