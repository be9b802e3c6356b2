# onnxcc_add_model(TARGET MODEL file.onnx [NAME n] [CONFIG c.yaml]
#                  [SHAPE INPUT=DIMS ...] [WEIGHTS embedded|file]
#                  [COMPARE [COMPARE_ARGS arg ...]])
#
# Generates NAME.c/NAME.h from the model at build time (again whenever the
# model, the config or the compiler changes) and builds them into the static
# library TARGET, which links the runtime and exposes NAME.h.  MODEL may be
# the output of a custom command in the same directory.
#
# WEIGHTS file writes the weights to NAME.c.weights next to NAME.c (an output
# of the same step, so the step reruns if it goes missing; NAME.c pulls it in
# when compiled).  Without WEIGHTS the config's `weights` decides, else they
# are embedded; a config that says `weights: file` needs WEIGHTS file here
# too, so that the build knows the file.
#
# COMPARE also registers a ctest test `onnxcc_compare_TARGET` that runs
# `onnxcc compare` on the model with the same config and shapes: it builds
# the generated C, runs it and onnxruntime on the same seeded input and fails
# beyond tolerance.  COMPARE_ARGS are passed on to it (`--tolerance 1e-4`,
# `--seed 3`, ...).  onnxruntime comes from Node.js (`node` on PATH, or
# $NODE) and the npm package onnxruntime-node, looked up in
# $ONNXCC_NODE_MODULES, which the test takes from the CMake variable
# ONNXCC_NODE_MODULES when that is set, else from the environment at test
# time; a build-tree onnxcc also finds the node_modules folder of its source.
# The calling project needs enable_testing() (or include(CTest)).
#
# Works from an installed package (onnxcc::onnxcc, onnxcc::onnxcc_rt) and from
# the build tree of a project that add_subdirectory()s onnxcc (onnxcc, onnxcc_rt).
function(onnxcc_add_model target)
  cmake_parse_arguments(M "COMPARE" "MODEL;NAME;CONFIG;WEIGHTS" "SHAPE;COMPARE_ARGS" ${ARGN})
  if(NOT M_MODEL)
    message(FATAL_ERROR "onnxcc_add_model(${target}): MODEL is required")
  endif()
  if(M_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "onnxcc_add_model(${target}): unknown arguments: ${M_UNPARSED_ARGUMENTS}")
  endif()
  get_filename_component(model "${M_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT M_NAME)
    get_filename_component(M_NAME "${model}" NAME_WE)
    string(MAKE_C_IDENTIFIER "${M_NAME}" M_NAME)
  endif()
  if(TARGET onnxcc::onnxcc)
    set(compiler onnxcc::onnxcc)
    set(rt onnxcc::onnxcc_rt)
  else()
    set(compiler onnxcc)
    set(rt onnxcc_rt)
  endif()

  # Options shared by the build step and the compare test.
  set(opts "")
  set(deps "${model}")
  if(M_CONFIG)
    get_filename_component(cfg "${M_CONFIG}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND opts --config "${cfg}")
    list(APPEND deps "${cfg}")
  endif()
  foreach(s ${M_SHAPE})
    list(APPEND opts --shape "${s}")
  endforeach()

  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_gen")
  set(outputs "${out}/${M_NAME}.c" "${out}/${M_NAME}.h")
  set(gen_opts "")
  if(M_WEIGHTS STREQUAL "file")
    list(APPEND outputs "${out}/${M_NAME}.c.weights")
    list(APPEND gen_opts --weights=file)
  elseif(M_WEIGHTS STREQUAL "embedded")
    list(APPEND gen_opts --weights=embedded)
  elseif(DEFINED M_WEIGHTS)
    message(FATAL_ERROR "onnxcc_add_model(${target}): WEIGHTS must be embedded or file, not '${M_WEIGHTS}'")
  endif()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${compiler} "${model}" -o "${out}" --name ${M_NAME} ${opts} ${gen_opts}
    DEPENDS ${deps} ${compiler}
    COMMENT "onnxcc ${M_MODEL} -> ${M_NAME}.c"
    VERBATIM)
  add_library(${target} STATIC "${out}/${M_NAME}.c")
  target_include_directories(${target} PUBLIC "${out}")
  target_link_libraries(${target} PUBLIC ${rt})

  if(M_COMPARE)
    set(test onnxcc_compare_${target})
    add_test(NAME ${test}
      COMMAND $<TARGET_FILE:${compiler}> compare "${model}" ${opts} ${M_COMPARE_ARGS})
    # The same runtime library the target links, whatever the install layout.
    set(env "ONNXCC_RT_LIB=$<TARGET_FILE:${rt}>")
    if(ONNXCC_NODE_MODULES)
      list(APPEND env "ONNXCC_NODE_MODULES=${ONNXCC_NODE_MODULES}")
    endif()
    set_tests_properties(${test} PROPERTIES ENVIRONMENT "${env}" LABELS onnxcc_compare)
  endif()
endfunction()
