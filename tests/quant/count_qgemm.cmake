# Compiles MODEL with ONNXCC into DIR twice, with fuse_qgemm and without
# it, and passes if the report says fuse_qgemm rewrote COUNT nodes, the C
# calls the runtime's quantized matrix product onnxcc_u8s8_gemm exactly
# COUNT times, and weights_bytes shrank by at least SAVED bytes (3 per
# weight, int8 instead of the float32 fold_dq makes without the pass, less
# what the kernel's per-output scales and zero points take).
function(compile out dir)
  file(MAKE_DIRECTORY ${dir})
  execute_process(COMMAND ${ONNXCC} ${MODEL} -o ${dir} --report ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE report
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "onnxcc failed: ${err}")
  endif()
  set(${out} "${report}" PARENT_SCOPE)
endfunction()
compile(on ${DIR}/on)
compile(off ${DIR}/off --disable-pass fuse_qgemm)
if(NOT on MATCHES "fuse_qgemm: ${COUNT}\n")
  message(FATAL_ERROR "the report does not say fuse_qgemm: ${COUNT}")
endif()
file(GLOB srcs ${DIR}/on/*.c)
file(READ ${srcs} text)
string(REGEX MATCHALL "onnxcc_u8s8_gemm\\(" calls "${text}")
list(LENGTH calls n)
if(NOT n EQUAL COUNT)
  message(FATAL_ERROR "${n} calls of onnxcc_u8s8_gemm, expected ${COUNT}")
endif()
string(REGEX MATCH "weights_bytes: ([0-9]+)" m "${on}")
set(won ${CMAKE_MATCH_1})
string(REGEX MATCH "weights_bytes: ([0-9]+)" m "${off}")
set(woff ${CMAKE_MATCH_1})
if("${won}" STREQUAL "" OR "${woff}" STREQUAL "")
  message(FATAL_ERROR "no weights_bytes in the reports")
endif()
math(EXPR saved "${woff} - ${won}")
if(saved LESS SAVED)
  message(FATAL_ERROR "weights_bytes ${woff} -> ${won}: ${saved} bytes saved, expected at least ${SAVED}")
endif()
message(STATUS "fuse_qgemm: ${COUNT}; ${n} calls of onnxcc_u8s8_gemm; weights_bytes ${woff} -> ${won}")
