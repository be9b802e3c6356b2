/* digits: runs the digit classifier compiled to C by onnxcc over the
 * held-out images written by train.py and prints how many it gets right.
 *
 *   digits test.bin labels.bin
 *
 * test.bin holds N images of the model's input size as raw float32,
 * labels.bin N label bytes.  Prints `c_correct: K/N`; exit status 1 on bad
 * input files. */
#define _POSIX_C_SOURCE 200112L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digits.h"

static _Noreturn void die(const char *what, const char *path)
{
    fprintf(stderr, "digits: %s: %s\n", path, what);
    exit(1);
}

/* The whole file; *size gets its length in bytes. */
static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(strerror(errno), path);
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *p = malloc(cap);
    while (p && (got = fread(p + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap)
            p = realloc(p, cap *= 2);
    if (!p)
        die("out of memory", path);
    fclose(f);
    *size = n;
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: digits test.bin labels.bin\n");
        return 1;
    }
    size_t nimg_bytes, nlab;
    float *images = (float *)slurp(argv[1], &nimg_bytes);
    unsigned char *labels = slurp(argv[2], &nlab);
    const size_t per = digits_INPUT0_SIZE * sizeof(float);
    if (nlab == 0 || nimg_bytes != nlab * per)
        die("image and label files do not match the model's input size", argv[1]);

    void *ws = NULL;
    if (posix_memalign(&ws, digits_WORKSPACE_ALIGN, digits_workspace_size() + 1) != 0)
        die("out of memory", argv[1]);
    size_t correct = 0;
    for (size_t i = 0; i < nlab; i++) {
        float logits[digits_OUTPUT0_SIZE];
        const float *ins[] = {images + i * digits_INPUT0_SIZE};
        float *outs[] = {logits};
        if (digits_run(ins, outs, ws) != 0)
            die("digits_run failed", argv[1]);
        int best = 0;
        for (int c = 1; c < digits_OUTPUT0_SIZE; c++)
            if (logits[c] > logits[best])
                best = c;
        correct += best == labels[i];
    }
    printf("c_correct: %zu/%zu\n", correct, nlab);
    free(ws);
    free(images);
    free(labels);
    return 0;
}
