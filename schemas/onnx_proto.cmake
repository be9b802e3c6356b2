# Generates the ONNX protobuf C bindings at build time from the onnx.proto
# that Debian's libonnx-dev installs, and defines the `onnx_proto` library.
find_program(PROTOC_C protoc-c REQUIRED)
find_file(ONNX_PROTO onnx.proto PATHS /usr/include/onnx NO_DEFAULT_PATH REQUIRED
  DOC "onnx.proto from libonnx-dev")
find_path(PROTOBUF_C_INCLUDE protobuf-c/protobuf-c.h REQUIRED)
find_library(PROTOBUF_C_LIB protobuf-c REQUIRED)

get_filename_component(ONNX_PROTO_DIR ${ONNX_PROTO} DIRECTORY)
set(ONNX_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
file(MAKE_DIRECTORY ${ONNX_GEN_DIR})
add_custom_command(
  OUTPUT ${ONNX_GEN_DIR}/onnx.pb-c.c ${ONNX_GEN_DIR}/onnx.pb-c.h
  COMMAND ${PROTOC_C} --c_out=${ONNX_GEN_DIR} -I${ONNX_PROTO_DIR} ${ONNX_PROTO}
  DEPENDS ${ONNX_PROTO}
  COMMENT "protoc-c onnx.proto")
add_library(onnx_proto STATIC ${ONNX_GEN_DIR}/onnx.pb-c.c)
target_include_directories(onnx_proto PUBLIC ${ONNX_GEN_DIR} ${PROTOBUF_C_INCLUDE})
target_link_libraries(onnx_proto PUBLIC ${PROTOBUF_C_LIB})
set_target_properties(onnx_proto PROPERTIES POSITION_INDEPENDENT_CODE ON)
