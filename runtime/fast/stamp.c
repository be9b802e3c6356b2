/* stamp.c — onnxcc_rt_stamp: the hash of this runtime's sources
 * (runtime/stamp.sh), given by the build as ONNXCC_RT_STAMP. */
#include "onnxcc/rt.h"

#ifndef ONNXCC_RT_STAMP
#error "build with -DONNXCC_RT_STAMP=0x<runtime/stamp.sh's output>ULL"
#endif

unsigned long long onnxcc_rt_stamp(void)
{
    return ONNXCC_RT_STAMP;
}
