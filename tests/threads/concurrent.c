/* concurrent.c — the generated model `m` (m.c, m.h) run by several
 * application threads at once, each with its own workspace, while the
 * runtime's pool serves whichever of them gets it: every run must give the
 * single-threaded answer bit for bit, as must runs at 2 and 3 pool threads.
 * Built with ThreadSanitizer by tsan.sh, so a data race fails the test too.
 * usage: concurrent [RUNS_PER_THREAD] */
#define _POSIX_C_SOURCE 200112L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "m.h"
#include "onnxcc/rt.h"

#define APP_THREADS 2

static float input[m_INPUT0_SIZE];
static float expected[m_OUTPUT0_SIZE];
static int runs = 2;

/* One run into out with a fresh 64-byte aligned workspace; 0 on success. */
static int run_once(float *out)
{
    void *ws = NULL;
    if (posix_memalign(&ws, m_WORKSPACE_ALIGN, m_workspace_size() + 1))
        return 1;
    const float *in[1] = {input};
    float *outs[1] = {out};
    const int rc = m_run(in, outs, ws);
    free(ws);
    return rc;
}

static void *app_thread(void *arg)
{
    int *failed = arg;
    for (int r = 0; r < runs; r++) {
        float out[m_OUTPUT0_SIZE];
        if (run_once(out) || memcmp(out, expected, sizeof out)) {
            *failed = 1;
            return NULL;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        runs = atoi(argv[1]);
    unsigned s = 12345;
    for (int i = 0; i < m_INPUT0_SIZE; i++) {
        s = s * 1103515245u + 12345u;
        input[i] = (float)((s >> 8) & 0xffff) / 32768.0f - 1.0f;
    }
    onnxcc_set_num_threads(1);
    if (run_once(expected)) {
        fprintf(stderr, "run failed\n");
        return 1;
    }
    for (int t = 2; t <= 3; t++) {
        static float out[m_OUTPUT0_SIZE];
        onnxcc_set_num_threads(t);
        if (run_once(out) || memcmp(out, expected, sizeof out)) {
            fprintf(stderr, "%d pool threads: output differs from 1 thread\n", t);
            return 1;
        }
    }
    onnxcc_set_num_threads(2);
    pthread_t th[APP_THREADS];
    int failed[APP_THREADS] = {0};
    for (int i = 0; i < APP_THREADS; i++)
        if (pthread_create(&th[i], NULL, app_thread, &failed[i])) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    for (int i = 0; i < APP_THREADS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < APP_THREADS; i++)
        if (failed[i]) {
            fprintf(stderr, "application thread %d: output differs from the 1-thread run\n", i);
            return 1;
        }
    printf("%d application threads x %d runs, pool of 2, and 2/3 pool threads: bitwise equal to 1 thread\n",
           APP_THREADS, runs);
    return 0;
}
