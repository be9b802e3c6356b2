# Compiles MODEL with ONNXCC into DIR and passes if the report says
# fuse_qadd rewrote COUNT Adds and the C calls the runtime's quantized Add
# onnxcc_u8_qadd exactly COUNT times.
execute_process(COMMAND ${ONNXCC} ${MODEL} -o ${DIR} --report RESULT_VARIABLE rc OUTPUT_VARIABLE report
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "onnxcc failed: ${err}")
endif()
if(NOT report MATCHES "fuse_qadd: ${COUNT}\n")
  message(FATAL_ERROR "the report does not say fuse_qadd: ${COUNT}")
endif()
file(GLOB srcs ${DIR}/*.c)
file(READ ${srcs} text)
string(REGEX MATCHALL "onnxcc_u8_qadd\\(" calls "${text}")
list(LENGTH calls n)
if(NOT n EQUAL COUNT)
  message(FATAL_ERROR "${n} calls of onnxcc_u8_qadd, expected ${COUNT}")
endif()
message(STATUS "fuse_qadd: ${COUNT}; ${n} calls of onnxcc_u8_qadd")
