/* parallel.c — the runtime's threads: a small persistent pool that runs the
 * tasks of one kernel loop on several cores.
 *
 * onnxcc_fast_parallel(ntasks, fn, ctx) calls fn(ctx, t) once for every t in
 * [0, ntasks) and returns when all calls have returned.  The caller takes
 * tasks itself, next to up to n-1 workers, where n = onnxcc_num_threads():
 * tasks are taken in any order, so a task must compute the same thing
 * whichever thread runs it (that is what makes results bitwise identical for
 * every thread count).  The caller waits only for tasks, never for a worker
 * that has not taken one (which matters when the machine is oversubscribed).  With one thread, or one task, fn runs in the caller
 * and no worker is touched.
 *
 * One loop runs at a time: a caller that finds the pool busy (a second
 * application thread running a model) runs its tasks alone, so run() stays
 * reentrant.  Workers spin for a while after a loop, since the next kernel
 * call usually follows at once, then sleep on a condition variable.
 * Synchronisation is by the GCC/clang __atomic builtins (the runtime is
 * C99) and pthreads, which ThreadSanitizer understands. */
#define _GNU_SOURCE /* sched_getaffinity */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "fast.h"

#define MAX_THREADS 64
#define MAX_TASKS 0xffff    /* more tasks than this: the loop runs in the caller */
#define SPIN_ROUNDS 100000  /* a worker's polls before it sleeps (a few ms) */
#define WAIT_YIELD 2000     /* the caller's polls before it yields the CPU */

/* The state of the current loop in one word, so that one compare-and-swap
 * both takes a task and proves the loop is still the one it was read from:
 * generation (26 bits) | helpers (6) | tasks (16) | next task (16).  A
 * worker that wakes late sees a newer generation and takes nothing, so the
 * caller never waits for a worker that has not taken a task. */
#define W_NEXT(w) ((int)((w)&0xffff))
#define W_TASKS(w) ((int)(((w) >> 16) & 0xffff))
#define W_HELPERS(w) ((int)(((w) >> 32) & 0x3f))
#define W_GEN(w) ((w) >> 38)
#define W_MAKE(gen, helpers, tasks)                                                            \
    (((uint64_t)(gen) << 38) | ((uint64_t)(helpers) << 32) | ((uint64_t)(tasks) << 16))

static pthread_mutex_t pool_busy = PTHREAD_MUTEX_INITIALIZER; /* held by the caller of a loop */
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int nworkers;    /* started so far; written with pool_busy held */
static int api_threads; /* onnxcc_set_num_threads(); 0 = default */
static int cpu_threads; /* CPUs available to the process, found once */

static uint64_t job_word;    /* as above */
static OnnxccTaskFn job_fn;  /* the loop's function and context: stable */
static void *job_ctx;        /* while any of its tasks is unfinished */
static int job_done;         /* tasks of the loop finished */

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause");
#endif
}

/* Takes and runs tasks of the loop whose word was w while there are any. */
static void take_tasks(uint64_t w)
{
    while (W_NEXT(w) < W_TASKS(w)) {
        if (__atomic_compare_exchange_n(&job_word, &w, w + 1, 1, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) {
            OnnxccTaskFn fn = __atomic_load_n(&job_fn, __ATOMIC_RELAXED);
            fn(__atomic_load_n(&job_ctx, __ATOMIC_RELAXED), W_NEXT(w));
            __atomic_fetch_add(&job_done, 1, __ATOMIC_RELEASE);
            w++;
        }
        /* On failure w holds the current word: maybe another loop's. */
    }
}

static void *worker_main(void *arg)
{
    const int me = (int)(size_t)arg;
    uint64_t seen = 0;
    for (;;) {
        uint64_t w;
        int spins = 0;
        while (W_GEN(w = __atomic_load_n(&job_word, __ATOMIC_ACQUIRE)) == seen) {
            if (++spins < SPIN_ROUNDS) {
                cpu_relax();
                continue;
            }
            pthread_mutex_lock(&sleep_lock);
            while (W_GEN(w = __atomic_load_n(&job_word, __ATOMIC_ACQUIRE)) == seen)
                pthread_cond_wait(&wake, &sleep_lock);
            pthread_mutex_unlock(&sleep_lock);
            break;
        }
        seen = W_GEN(w);
        if (me < W_HELPERS(w))
            take_tasks(w);
    }
    return NULL;
}

/* Starts workers up to want (pool_busy held); returns how many there are. */
static int start_workers(int want)
{
    while (nworkers < want) {
        pthread_attr_t attr;
        pthread_t t;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        const int err = pthread_create(&t, &attr, worker_main, (void *)(size_t)nworkers);
        pthread_attr_destroy(&attr);
        if (err)
            break; /* fewer threads, same results */
        nworkers++;
    }
    return nworkers < want ? nworkers : want;
}

static int count_cpus(void)
{
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
#endif
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int onnxcc_num_threads(void)
{
    int n = __atomic_load_n(&api_threads, __ATOMIC_RELAXED);
    if (n <= 0) {
        const char *env = getenv("ONNXCC_NUM_THREADS");
        char *end;
        const long v = env ? strtol(env, &end, 10) : 0;
        n = env && end != env && *end == '\0' && v > 0 ? (v < MAX_THREADS ? (int)v : MAX_THREADS) : 0;
    }
    if (n <= 0) {
        n = __atomic_load_n(&cpu_threads, __ATOMIC_RELAXED);
        if (n <= 0) {
            n = count_cpus();
            __atomic_store_n(&cpu_threads, n, __ATOMIC_RELAXED);
        }
    }
    return n < MAX_THREADS ? n : MAX_THREADS;
}

void onnxcc_set_num_threads(int n)
{
    __atomic_store_n(&api_threads, n > 0 ? n : 0, __ATOMIC_RELAXED);
}

/* Affinity: whatever order the threads take a loop's tasks in, the caller
 * runs them from the first up and the workers from the last down, so with
 * two threads each one's share is contiguous, and kernels that cut a map
 * into tasks in order keep each part of the map on the same core from one
 * layer to the next (the first thread the first part) instead of
 * interleaving it between the two cores' caches.  Measured (Intel Xeon, two
 * threads, interleaved whole runs): DenseNet-121 0.91-0.93, DenseNet-161
 * 0.97.  Every count of front and back claims adds up to the loop's tasks,
 * so each task still runs exactly once. */
typedef struct Affine {
    OnnxccTaskFn fn;
    void *ctx;
    pthread_t caller;
    int ntasks, front, back;
} Affine;

static int affine_index(pthread_t caller, int n, int *front, int *back)
{
    if (pthread_equal(pthread_self(), caller))
        return __atomic_fetch_add(front, 1, __ATOMIC_RELAXED);
    return n - 1 - __atomic_fetch_add(back, 1, __ATOMIC_RELAXED);
}

static void affine_task(void *arg, int t)
{
    Affine *a = arg;
    (void)t;
    a->fn(a->ctx, affine_index(a->caller, a->ntasks, &a->front, &a->back));
}

static void parallel_core(int ntasks, OnnxccTaskFn fn, void *ctx, int affine)
{
    int n = ntasks > 1 ? onnxcc_num_threads() : 1;
    n = n < ntasks ? n : ntasks;
    if (n <= 1 || ntasks > MAX_TASKS || pthread_mutex_trylock(&pool_busy) != 0) {
        for (int t = 0; t < ntasks; t++)
            fn(ctx, t);
        return;
    }
    const int helpers = start_workers(n - 1);
    Affine af = {fn, ctx, pthread_self(), ntasks, 0, 0};
    if (affine) {
        fn = affine_task;
        ctx = &af;
    }
    const uint64_t w =
        W_MAKE(W_GEN(__atomic_load_n(&job_word, __ATOMIC_RELAXED)) + 1, helpers, ntasks);
    __atomic_store_n(&job_fn, fn, __ATOMIC_RELAXED);
    __atomic_store_n(&job_ctx, ctx, __ATOMIC_RELAXED);
    __atomic_store_n(&job_done, 0, __ATOMIC_RELAXED);
    pthread_mutex_lock(&sleep_lock);
    __atomic_store_n(&job_word, w, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&sleep_lock);
    take_tasks(w);
    for (int spins = 0; __atomic_load_n(&job_done, __ATOMIC_ACQUIRE) < ntasks; spins++) {
        if (spins < WAIT_YIELD)
            cpu_relax();
        else
            sched_yield();
    }
    pthread_mutex_unlock(&pool_busy);
}

void onnxcc_fast_parallel(int ntasks, OnnxccTaskFn fn, void *ctx)
{
    parallel_core(ntasks, fn, ctx, 1);
}

/* ---- phased loops -------------------------------------------------------- */

/* One chunk of rounds of a phased loop, run as one flat loop: task t is
 * task i of phase p of round r, and starts only once `done` (tasks
 * finished) reaches the index of its phase's first task.  Tasks are taken
 * in index order and a phase starts only after the one before it has
 * finished, so every task below that index has finished exactly then; and
 * a waiting task only ever waits for lower ones, which are all running. */
typedef struct Phased {
    OnnxccPhaseFn fn;
    void *ctx;
    const int *counts;
    int per_round, round0, nphases;
    int done;
    pthread_t caller;
    int *ends; /* front and back claims per (round, phase); NULL: none
                * (one thread, or no memory: tasks in claim order) */
} Phased;

static void phased_task(void *arg, int t)
{
    Phased *ph = arg;
    const int r = t / ph->per_round;
    int i = t % ph->per_round, p = 0;
    while (i >= ph->counts[p])
        i -= ph->counts[p++];
    const int first = t - i;
    for (int spins = 0; __atomic_load_n(&ph->done, __ATOMIC_ACQUIRE) < first; spins++) {
        if (spins < WAIT_YIELD)
            cpu_relax();
        else
            sched_yield();
    }
    if (ph->ends) {
        int *e = ph->ends + 2 * (r * ph->nphases + p);
        i = affine_index(ph->caller, ph->counts[p], e, e + 1);
    }
    ph->fn(ph->ctx, ph->round0 + r, p, i);
    __atomic_fetch_add(&ph->done, 1, __ATOMIC_RELEASE);
}

void onnxcc_fast_parallel_phases(int rounds, int nphases, const int *counts, OnnxccPhaseFn fn,
                                 void *ctx)
{
    int per_round = 0;
    for (int p = 0; p < nphases; p++)
        per_round += counts[p];
    if (per_round <= 0)
        return;
    const int chunk = MAX_TASKS / per_round > 0 ? MAX_TASKS / per_round : 1;
    for (int r0 = 0; r0 < rounds; r0 += chunk) {
        const int n = rounds - r0 < chunk ? rounds - r0 : chunk;
        Phased ph = {fn, ctx, counts, per_round, r0, nphases, 0, pthread_self(), NULL};
        if (onnxcc_num_threads() > 1)
            ph.ends = calloc(2 * (size_t)n * (size_t)nphases, sizeof(int));
        parallel_core(n * per_round, phased_task, &ph, 0);
        free(ph.ends);
    }
}
