# Compiles MODEL with ONNXCC into DIR twice, with fuse_qpool and
# fuse_qrequant on and off, and
# passes if the report says fuse_qpool rewrote COUNT pools, the C calls the
# runtime's uint8 pools (onnxcc_u8_maxpool2d, _avgpool2d, _globalavgpool)
# COUNT times in all and no float pool, and the arena (arena_bytes) and
# the float32 tensors' peak (memory_by_dtype) are smaller than with the
# pass off (when SHRINK is set).
file(MAKE_DIRECTORY ${DIR})
foreach(mode on off)
  set(extra)
  if(mode STREQUAL off)
    set(extra --disable-pass fuse_qpool --disable-pass fuse_qrequant)
  endif()
  execute_process(COMMAND ${ONNXCC} ${MODEL} -o ${DIR}/${mode} --report ${extra} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE report_${mode} ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "onnxcc failed: ${err}")
  endif()
  string(REGEX MATCH "\narena_bytes: ([0-9]+)" m "${report_${mode}}")
  set(arena_${mode} ${CMAKE_MATCH_1})
  string(REGEX MATCH "\n  float32:\n[^\n]*\n[^\n]*\n *peak_bytes: ([0-9]+)" m "${report_${mode}}")
  set(f32_${mode} ${CMAKE_MATCH_1})
endforeach()
if(NOT report_on MATCHES "fuse_qpool: ${COUNT}\n")
  message(FATAL_ERROR "the report does not say fuse_qpool: ${COUNT}")
endif()
# REQUANT: how many DequantizeLinear -> QuantizeLinear pairs fuse_qrequant
# makes byte tables (then the C has as many table lookups).
if(DEFINED REQUANT)
  if(NOT report_on MATCHES "fuse_qrequant: ${REQUANT}\n")
    message(FATAL_ERROR "the report does not say fuse_qrequant: ${REQUANT}")
  endif()
endif()
file(GLOB srcs ${DIR}/on/*.c)
file(READ ${srcs} text)
string(REGEX MATCHALL "onnxcc_u8_(maxpool2d|avgpool2d|globalavgpool)\\(" calls "${text}")
if(DEFINED REQUANT)
  string(REGEX MATCHALL "onnxcc_f32_quantize_u8\\(256, t, " lookups "${text}")
  list(LENGTH lookups nl)
  if(NOT nl EQUAL REQUANT)
    message(FATAL_ERROR "${nl} byte tables, expected ${REQUANT}")
  endif()
endif()
string(REGEX MATCHALL "onnxcc_f32_[a-z]*pool[a-z0-9]*\\(" fcalls "${text}")
list(LENGTH calls n)
list(LENGTH fcalls nf)
if(NOT n EQUAL COUNT OR NOT nf EQUAL 0)
  message(FATAL_ERROR "${n} calls of the uint8 pools (expected ${COUNT}), ${nf} of float pools (expected 0)")
endif()
if(SHRINK AND (arena_on STREQUAL "" OR f32_on STREQUAL "" OR NOT arena_on LESS arena_off OR NOT f32_on LESS f32_off))
  message(FATAL_ERROR "arena ${arena_on} (pass off: ${arena_off}), float32 peak ${f32_on} (off: ${f32_off}): "
                      "expected both smaller with fuse_qpool")
endif()
message(STATUS "fuse_qpool: ${COUNT}; arena ${arena_on} bytes (off: ${arena_off}), float32 peak ${f32_on} (off: ${f32_off})")
