# Compiles MODEL with ONNXCC into DIR and passes if the report says
# fuse_qconv rewrote COUNT convolutions, fuse_qpreact PREACT
# pre-activations and fuse_qconcat QCONCAT concatenations, and the C calls the runtime's integer conv
# onnxcc_u8s8_conv2d exactly COUNT times.
execute_process(COMMAND ${ONNXCC} ${MODEL} -o ${DIR} --report RESULT_VARIABLE rc OUTPUT_VARIABLE report
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "onnxcc failed: ${err}")
endif()
if(NOT report MATCHES "fuse_qconv: ${COUNT}\n")
  message(FATAL_ERROR "the report does not say fuse_qconv: ${COUNT}")
endif()
if(NOT report MATCHES "fuse_qpreact: ${PREACT}\n")
  message(FATAL_ERROR "the report does not say fuse_qpreact: ${PREACT}")
endif()
if(NOT report MATCHES "fuse_qconcat: ${QCONCAT}\n")
  message(FATAL_ERROR "the report does not say fuse_qconcat: ${QCONCAT}")
endif()
file(GLOB srcs ${DIR}/*.c)
file(READ ${srcs} text)
string(REGEX MATCHALL "onnxcc_u8s8_conv2d\\(" calls "${text}")
list(LENGTH calls n)
if(NOT n EQUAL COUNT)
  message(FATAL_ERROR "${n} calls of onnxcc_u8s8_conv2d, expected ${COUNT}")
endif()
message(STATUS "fuse_qconv: ${COUNT}; ${n} calls of onnxcc_u8s8_conv2d")
