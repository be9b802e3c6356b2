/* isa.c — which ISA level the fast kernels run at: the best the CPU (and the
 * OS, which must save the wider registers) supports, capped by the
 * environment variable ONNXCC_ISA and, per layer, by the cap the compiler
 * wrote into the layer's parameters (onnxcc --isa).
 *
 * No state of our own: __builtin_cpu_supports reads the CPU model that
 * libgcc / compiler-rt fill in by a constructor before main, and getenv is
 * read on every call, so this is thread-safe and tests can change the cap
 * with setenv between calls. */
#include <stdlib.h>
#include <string.h>

#include "fast.h"
#include "onnxcc/rt.h"

static const char *const isa_names[] = {"scalar", "avx2", "avx512"};
#define NUM_ISAS ((int)(sizeof isa_names / sizeof isa_names[0]))

static int cpu_isa(void)
{
#ifdef ONNXCC_RT_X86_64
    const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (avx2 && __builtin_cpu_supports("avx512f"))
        return ONNXCC_ISA_AVX512;
    if (avx2)
        return ONNXCC_ISA_AVX2;
#endif
    return ONNXCC_ISA_SCALAR;
}

int onnxcc_rt_isa(void)
{
    int isa = cpu_isa();
    const char *cap = getenv("ONNXCC_ISA");
    for (int i = 0; cap && i < NUM_ISAS; i++)
        if (strcmp(cap, isa_names[i]) == 0 && i < isa)
            isa = i;
    return isa;
}

int onnxcc_rt_isa_capped(int cap)
{
    int isa = onnxcc_rt_isa();
    return cap > 0 && cap - 1 < isa ? cap - 1 : isa;
}

const char *onnxcc_rt_isa_name(int isa)
{
    return isa >= 0 && isa < NUM_ISAS ? isa_names[isa] : "unknown";
}

/* ONNXCC_CPU_VENDOR=intel (or any other value: not Intel) overrides the
 * CPU's own vendor, so that tests and benchmarks can run either tuning on
 * any machine. */
int onnxcc_fast_intel(void)
{
    const char *vendor = getenv("ONNXCC_CPU_VENDOR");
    if (vendor && *vendor)
        return strcmp(vendor, "intel") == 0;
#ifdef ONNXCC_RT_X86_64
    return __builtin_cpu_is("intel");
#else
    return 0;
#endif
}
