/* harness.c — runs one generated model (m.c / m.h, --name m) on raw data.
 *
 * usage: harness DIR
 * Reads DIR/in_<i>.bin (raw little-endian elements of the input's own type,
 * exactly m_inputs[i].size * elem_size bytes), fills every output with 0xff
 * bytes (NaN for floats) so that an element the model does not write shows,
 * runs m_run with a 64-byte aligned workspace of m_workspace_size() bytes,
 * writes DIR/out_<j>.bin the same way, and prints the tensor tables of the
 * generated header, one line per tensor in the format of prepare_case.py's
 * shapes.txt: "in|out INDEX DTYPE DIM...".  m_TYPED selects the signature:
 * 0 float pointers, 1 void pointers.  Exit status 0 on success, 1 on any
 * error. */
#define _POSIX_C_SOURCE 200112L

#include "m.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Headers from before typed tensors have neither m_TYPED nor the dtype and
 * elem_size fields: every tensor is float32 then. */
#ifdef m_TYPED
#define DTYPE(t) ((t)->dtype)
#define ELEM_SIZE(t) ((size_t)(t)->elem_size)
#else
#define m_TYPED 0
#define DTYPE(t) 1
#define ELEM_SIZE(t) sizeof(float)
#endif

static int fail(const char *what, const char *path)
{
    fprintf(stderr, "harness: %s %s\n", what, path);
    return 1;
}

static void print_info(const char *kind, int i, const m_tensor_info *t)
{
    printf("%s %d %d", kind, i, DTYPE(t));
    for (int d = 0; d < t->rank; d++)
        printf(" %lld", t->dims[d]);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 1;
    }
    const char *dir = argv[1];
    char path[4096];
    /* +1: a model with no inputs or outputs still gets a valid array. */
    void *in[m_NUM_INPUTS + 1] = {0}, *out[m_NUM_OUTPUTS + 1] = {0};

    for (int i = 0; i < m_NUM_INPUTS; i++) {
        size_t n = (size_t)m_inputs[i].size * ELEM_SIZE(&m_inputs[i]);
        print_info("in", i, &m_inputs[i]);
        snprintf(path, sizeof path, "%s/in_%d.bin", dir, i);
        in[i] = malloc(n + 1);
        FILE *f = fopen(path, "rb");
        if (!in[i] || !f)
            return fail("cannot read", path);
        /* Exactly n bytes: one more must hit the end of the file. */
        if (fread(in[i], 1, n, f) != n || fgetc(f) != EOF)
            return fail("wrong size:", path);
        fclose(f);
    }
    for (int j = 0; j < m_NUM_OUTPUTS; j++) {
        size_t n = (size_t)m_outputs[j].size * ELEM_SIZE(&m_outputs[j]);
        print_info("out", j, &m_outputs[j]);
        out[j] = malloc(n + 1);
        if (!out[j])
            return fail("out of memory for", "an output");
        memset(out[j], 0xff, n);
    }

    void *ws = NULL;
    size_t wsize = m_workspace_size();
    if (posix_memalign(&ws, 64, wsize ? wsize : 64) != 0)
        return fail("cannot allocate the workspace for", dir);
    memset(ws, 0xff, wsize); /* NaN: reading scratch before writing it shows */
#if m_TYPED
    int rc = m_run((const void *const *)in, out, ws);
#else
    const float *in_f[m_NUM_INPUTS + 1] = {0};
    float *out_f[m_NUM_OUTPUTS + 1] = {0};
    for (int i = 0; i < m_NUM_INPUTS; i++)
        in_f[i] = in[i];
    for (int j = 0; j < m_NUM_OUTPUTS; j++)
        out_f[j] = out[j];
    int rc = m_run(in_f, out_f, ws);
#endif
    if (rc != 0) {
        fprintf(stderr, "harness: m_run returned %d\n", rc);
        return 1;
    }

    for (int j = 0; j < m_NUM_OUTPUTS; j++) {
        size_t n = (size_t)m_outputs[j].size * ELEM_SIZE(&m_outputs[j]);
        snprintf(path, sizeof path, "%s/out_%d.bin", dir, j);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(out[j], 1, n, f) != n || fclose(f) != 0)
            return fail("cannot write", path);
    }
    for (int i = 0; i < m_NUM_INPUTS; i++)
        free(in[i]);
    for (int j = 0; j < m_NUM_OUTPUTS; j++)
        free(out[j]);
    free(ws);
    return 0;
}
