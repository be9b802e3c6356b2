# Compiles MODEL with ONNXCC into DIR/on, and with slice_concats off into
# DIR/off, and passes if the report says slice_concats placed CONCATS
# Concats (fuse_qconcat's byte Concats) as views, leaving no Concat bytes to
# copy, and the generated C of the sliced build has at least CONCATS fewer
# copy calls than the copying one (a copied byte Concat moves each input
# with a memcpy, a float one all with onnxcc_f32_concat_ref).  EXTRA: more
# onnxcc arguments for both (a ;-list).
file(MAKE_DIRECTORY ${DIR})
foreach(mode on off)
  set(extra)
  if(mode STREQUAL off)
    set(extra --disable-pass slice_concats)
  endif()
  execute_process(COMMAND ${ONNXCC} ${MODEL} -o ${DIR}/${mode} --report ${EXTRA} ${extra} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE report_${mode} ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "onnxcc ${extra} failed: ${err}")
  endif()
  file(GLOB srcs ${DIR}/${mode}/*.c)
  file(READ ${srcs} text)
  string(REGEX MATCHALL "memcpy\\(|onnxcc_f32_concat_ref\\(" calls "${text}")
  list(LENGTH calls copies_${mode})
endforeach()
if(NOT report_on MATCHES "slice_concats: ${CONCATS}\n")
  message(FATAL_ERROR "the report does not say slice_concats: ${CONCATS}")
endif()
if(NOT report_on MATCHES "concat_copy_bytes: 0\n")
  message(FATAL_ERROR "the report says Concat bytes are still copied")
endif()
if(NOT report_off MATCHES "slice_concats: \"?off\"?\n")
  message(FATAL_ERROR "--disable-pass slice_concats: the report does not say slice_concats: off")
endif()
math(EXPR fewer "${copies_off} - ${copies_on}")
if(fewer LESS CONCATS)
  message(FATAL_ERROR "${copies_on} copy calls with slice_concats, ${copies_off} without: expected at least ${CONCATS} fewer")
endif()
message(STATUS "slice_concats: ${CONCATS} views; copy calls ${copies_on} with, ${copies_off} without")
