/* classify_bc: runs the model compiled by onnxcc_add_model on a fixed
 * pattern and prints the three best classes of its (first) output.
 *
 * Any model with one float input works; what it shows is the calling
 * convention: the caller owns the input, output and a 64-byte aligned
 * workspace of bc_workspace_size() bytes, and bc_run() returns 0 on success.
 * It runs twice in two workspaces and fails unless both runs agree and every
 * output is finite. */
#define _POSIX_C_SOURCE 200112L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bc.h"

static float in[bc_INPUT0_SIZE], out[2][bc_OUTPUT0_SIZE];

int main(void)
{
    for (int i = 0; i < bc_INPUT0_SIZE; i++)
        in[i] = (float)(i % 29) / 14.0f - 1.0f;
    const float *ins[bc_NUM_INPUTS] = {in};
    for (int r = 0; r < 2; r++) {
        void *ws = NULL;
        if (posix_memalign(&ws, bc_WORKSPACE_ALIGN, bc_workspace_size() + 1) != 0) {
            fprintf(stderr, "classify_bc: out of memory\n");
            return 1;
        }
        float *outs[bc_NUM_OUTPUTS] = {out[r]};
        int rc = bc_run(ins, outs, ws);
        free(ws);
        if (rc != 0) {
            fprintf(stderr, "classify_bc: bc_run returned %d\n", rc);
            return 1;
        }
    }
    if (memcmp(out[0], out[1], sizeof out[0]) != 0) {
        fprintf(stderr, "classify_bc: two runs disagree\n");
        return 1;
    }
    for (int i = 0; i < bc_OUTPUT0_SIZE; i++)
        if (!isfinite(out[0][i])) {
            fprintf(stderr, "classify_bc: output %d is not finite\n", i);
            return 1;
        }

    printf("input '%s' [", bc_inputs[0].name);
    for (int d = 0; d < bc_inputs[0].rank; d++)
        printf("%s%lld", d ? "," : "", bc_inputs[0].dims[d]);
    printf("], workspace %zu bytes\n", bc_workspace_size());
    int top[3] = {-1, -1, -1};
    for (int k = 0; k < 3 && k < bc_OUTPUT0_SIZE; k++) {
        for (int i = 0; i < bc_OUTPUT0_SIZE; i++)
            if (i != top[0] && i != top[1] && (top[k] < 0 || out[0][i] > out[0][top[k]]))
                top[k] = i;
        printf("class %d: %.6f\n", top[k], out[0][top[k]]);
    }
    return 0;
}
