/* libFuzzer harness over the whole compiler path: the input bytes are a
 * model file; load, verify, infer shapes, run every pass, plan memory, write
 * the report and the IR dump (to /dev/null) and emit C into a scratch folder
 * of this process.  A user error (fatal) longjmps back here and is fine; a
 * crash, hang, leak or sanitizer report is a bug. */
#include "onnxcc.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], path[80];

/* Leaves no scratch files behind when libFuzzer exits. */
static void remove_scratch(void)
{
    static const char *const names[] = {"model.onnx", "m.c", "m.h"};
    char p[96];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    if (!path[0]) {
        snprintf(dir, sizeof dir, "/tmp/onnxcc-fuzz-%d", (int)getpid());
        snprintf(path, sizeof path, "%s/model.onnx", dir);
        if (mkdir(dir, 0700) != 0 || !(devnull = fopen("/dev/null", "w")))
            abort();
        atexit(remove_scratch);
        fatal_silent = true;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);

    bool on[64];
    int changes[64];
    assert(npasses <= 64);
    for (int i = 0; i < npasses; i++)
        on[i] = true;
    jmp_buf jb;
    fatal_jmp = &jb;
    if (setjmp(jb) == 0) {
        Graph *g = load_model(path);
        verify_graph(g);
        infer_shapes(g);
        verify_graph(g);
        g->macs_loaded = graph_macs(g);
        g->params_loaded = graph_params(g);
        g->pass_on = on;
        run_passes(g, on, changes);
        g->pass_changes = changes;
        plan_memory(g);
        verify_plan(g);
        write_report(g, devnull);
        dump_ir(g, "final", devnull);
        emit_c(g, dir, "m");
    }
    if (graph_live)
        graph_free(graph_live);
    fatal_jmp = NULL;
    return 0;
}
