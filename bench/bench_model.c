/* bench_model.c — times one generated model: `bench_model ITERS WARMUP`.
 *
 * Built by bench.py against the generated NAME.c / NAME.h:
 *   cc -O2 -DMODEL=NAME -DMODEL_HEADER='"NAME.h"' bench_model.c NAME.c -lonnxcc_rt -lm
 * and again with -DONNXCC_PROFILE for the per-layer-type profile.  Inputs are
 * seeded pseudo-random floats in [-1, 1).  Prints one line `times_ms t0 t1 ...`
 * (one per timed run), then `peak_rss_kib N` (the process's peak resident
 * set: the weights it touched, the workspace, code and libc), and with
 * ONNXCC_PROFILE one `kind NAME|ms|count` line
 * per kind of node (the mean time per run spent in nodes of that kind) and
 * one `node INDEX|KIND|ms` line per node. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include MODEL_HEADER

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define RUN CAT(MODEL, _run)
#define WORKSPACE_SIZE CAT(MODEL, _workspace_size)
#define INPUTS CAT(MODEL, _inputs)
#define OUTPUTS CAT(MODEL, _outputs)
#define NUM_INPUTS CAT(MODEL, _NUM_INPUTS)
#define NUM_OUTPUTS CAT(MODEL, _NUM_OUTPUTS)

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

#ifdef ONNXCC_PROFILE
#define MAX_KINDS 64
static struct {
    const char *name;
    double ms;
    long count;
} kinds[MAX_KINDS];
static int nkinds;
#define MAX_NODES 8192
static double node_ms[MAX_NODES];
static const char *node_kind[MAX_NODES];
static double node_start;
static int profiling;

void onnxcc_profile(int node, const char *kind, int begin)
{
    if (begin) {
        node_start = now_ms();
        return;
    }
    double t = now_ms() - node_start;
    if (!profiling)
        return;
    if (node >= 0 && node < MAX_NODES) {
        node_ms[node] += t;
        node_kind[node] = kind;
    }
    int k = 0;
    while (k < nkinds && strcmp(kinds[k].name, kind) != 0)
        k++;
    if (k == nkinds) {
        if (nkinds == MAX_KINDS)
            return;
        kinds[nkinds++].name = kind;
    }
    kinds[k].ms += t;
    kinds[k].count++;
}
#endif

static void *xalloc(size_t n, size_t align)
{
    void *p = NULL;
    if (posix_memalign(&p, align, n ? n : 1) != 0) {
        fprintf(stderr, "bench_model: out of memory\n");
        exit(1);
    }
    return p;
}

/* This process's peak resident set in KiB: VmHWM of /proc/self/status,
 * which starts afresh at exec.  getrusage's ru_maxrss (the fallback) keeps
 * the high-water mark of the process image before exec, so under a large
 * parent (bench.py after reading an onnxruntime profile: 267 MiB) it
 * reported the parent's size instead of the model's (66 MiB). */
static long peak_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        long kib = -1;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "VmHWM: %ld", &kib) == 1)
                break;
        fclose(f);
        if (kib >= 0)
            return kib;
    }
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (long)ru.ru_maxrss : -1; /* KiB on Linux */
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 10, warmup = argc > 2 ? atoi(argv[2]) : 2;
    if (iters < 1 || warmup < 0) {
        fprintf(stderr, "usage: bench_model ITERS WARMUP\n");
        return 1;
    }
    const float *in[NUM_INPUTS];
    float *out[NUM_OUTPUTS];
    unsigned long long s = 12345;
    for (int i = 0; i < NUM_INPUTS; i++) {
        float *x = xalloc(sizeof(float) * (size_t)INPUTS[i].size, 64);
        for (long long j = 0; j < INPUTS[i].size; j++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            x[j] = (float)((s >> 40) / (double)(1ULL << 24)) * 2.0f - 1.0f;
        }
        in[i] = x;
    }
    for (int i = 0; i < NUM_OUTPUTS; i++)
        out[i] = xalloc(sizeof(float) * (size_t)OUTPUTS[i].size, 64);
    void *ws = xalloc(WORKSPACE_SIZE(), 64);

    for (int r = 0; r < warmup; r++)
        if (RUN(in, out, ws) != 0) {
            fprintf(stderr, "bench_model: run failed\n");
            return 1;
        }
    printf("times_ms");
#ifdef ONNXCC_PROFILE
    profiling = 1;
#endif
    for (int r = 0; r < iters; r++) {
        double t0 = now_ms();
        RUN(in, out, ws);
        printf(" %.4f", now_ms() - t0);
    }
    printf("\n");
    const long rss = peak_rss_kib();
    if (rss >= 0)
        printf("peak_rss_kib %ld\n", rss);
#ifdef ONNXCC_PROFILE
    for (int k = 0; k < nkinds; k++)
        printf("kind %s|%.4f|%ld\n", kinds[k].name, kinds[k].ms / iters, kinds[k].count / iters);
    for (int n = 0; n < MAX_NODES; n++)
        if (node_kind[n])
            printf("node %d|%s|%.4f\n", n, node_kind[n], node_ms[n] / iters);
#endif
    return 0;
}
