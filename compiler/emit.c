/* emit.c — the C backend (in progress: lands with the runtime). */
#include "onnxcc.h"

void emit_c(const Graph *g, const char *outdir, const char *name)
{
    (void)g;
    (void)outdir;
    (void)name;
    fatal("writing C (-o) is not available in this version yet; use --report");
}
