/* libFuzzer harness over the compiler path: the input bytes are a model
 * file; load, verify, infer shapes, plan memory.  A user error (fatal)
 * longjmps back here and is fine; a crash, hang, leak or sanitizer report
 * is a bug. */
#include "onnxcc.h"

#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/onnxcc-fuzz-%d.onnx", (int)getpid());
        fatal_silent = true;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);

    jmp_buf jb;
    fatal_jmp = &jb;
    if (setjmp(jb) == 0) {
        Graph *g = load_model(path);
        verify_graph(g);
        infer_shapes(g);
        plan_memory(g);
        verify_plan(g);
    }
    if (graph_live)
        graph_free(graph_live);
    fatal_jmp = NULL;
    return 0;
}
