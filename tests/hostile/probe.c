/* Links against one generated model (MODEL: its NAME, MODEL_H: its header)
 * and checks its C interface from outside:
 *  - prints each input and output name of the generated tables as hex, one
 *    per line ("in HEX" / "out HEX"), for the caller to compare with the
 *    names in the model;
 *  - NAME_run must refuse (non-zero) NULL inputs, outputs or workspace, a
 *    NULL element of either array, and a workspace that is not 64-byte
 *    aligned, and succeed on proper arguments.
 * Exit status 0 when every call behaved. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include MODEL_H

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define M(x) CAT(MODEL, x)

static void print_hex(const char *kind, const char *s)
{
    printf("%s ", kind);
    for (; *s; s++)
        printf("%02x", (unsigned char)*s);
    printf("\n");
}

static int fails;

static void expect(int got_ok, int want_ok, const char *what)
{
    if (got_ok != want_ok) {
        fprintf(stderr, "probe: %s: run returned %s\n", what, got_ok ? "0" : "non-zero");
        fails++;
    }
}

int main(void)
{
    enum { NI = M(_NUM_INPUTS), NO = M(_NUM_OUTPUTS) };
    const float *in[NI];
    float *out[NO];
    for (int i = 0; i < NI; i++) {
        print_hex("in", M(_inputs)[i].name);
        float *p = calloc((size_t)M(_inputs)[i].size, sizeof(float));
        if (!p)
            return 2;
        in[i] = p;
    }
    for (int i = 0; i < NO; i++) {
        print_hex("out", M(_outputs)[i].name);
        out[i] = calloc((size_t)M(_outputs)[i].size, sizeof(float));
        if (!out[i])
            return 2;
    }
    char *raw = malloc(M(_workspace_size)() + 128);
    if (!raw)
        return 2;
    char *ws = raw + (64 - (uintptr_t)raw % 64); /* aligned, with room to misalign */

    expect(M(_run)(NULL, out, ws) == 0, 0, "NULL inputs");
    expect(M(_run)(in, NULL, ws) == 0, 0, "NULL outputs");
    expect(M(_run)(in, out, NULL) == 0, 0, "NULL workspace");
    for (int k = 1; k < 64; k *= 2)
        expect(M(_run)(in, out, ws + k) == 0, 0, "misaligned workspace");
    const float *in0 = in[NI - 1];
    in[NI - 1] = NULL;
    expect(M(_run)(in, out, ws) == 0, 0, "NULL element of inputs");
    in[NI - 1] = in0;
    float *out0 = out[NO - 1];
    out[NO - 1] = NULL;
    expect(M(_run)(in, out, ws) == 0, 0, "NULL element of outputs");
    out[NO - 1] = out0;
    expect(M(_run)(in, out, ws) == 0, 1, "proper arguments");
    for (int i = 0; i < NI; i++)
        free((void *)in[i]);
    for (int i = 0; i < NO; i++)
        free(out[i]);
    free(raw);
    return fails ? 1 : 0;
}
