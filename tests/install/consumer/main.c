/* Runs the generated model on a constant input; prints the top class. */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>

#include "bc.h"

int main(void)
{
    static float in[bc_INPUT0_SIZE], out[bc_OUTPUT0_SIZE];
    for (int i = 0; i < bc_INPUT0_SIZE; i++)
        in[i] = (float)(i % 17) / 17.0f - 0.5f;
    void *ws = NULL;
    if (posix_memalign(&ws, 64, bc_workspace_size() + 64) != 0)
        return 1;
    const float *ins[1] = {in};
    float *outs[1] = {out};
    if (bc_run(ins, outs, ws) != 0)
        return 1;
    if (bc_run(ins, outs, (char *)ws + 4) == 0) /* misaligned: must be refused */
        return 1;
    int best = 0;
    float sum = 0;
    for (int i = 0; i < bc_OUTPUT0_SIZE; i++) {
        sum += out[i];
        if (out[i] > out[best])
            best = i;
    }
    printf("top-1 class %d, softmax sum %.6f\n", best, sum);
    free(ws);
    return (sum > 0.999f && sum < 1.001f) ? 0 : 1;
}
