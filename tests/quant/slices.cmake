# Included by tests/quant/CMakeLists.txt (after its models list and loop):
# slice_concats on quantized models.  Per model of ${models}, and a batch-2
# DenseNet-BC (its slices strided between images) made here:
#   quant_NAME_slices    check_slices.cmake: the byte Concats became views,
#                        no Concat bytes copied, the memcpy calls gone
#   quant_NAME_noslice   the model with slice_concats off, against onnxruntime
#   quant_plan_NAME      tests/check_plan.py: the plan checked apart from plan.c
#   quant_report_memory_NAME  check_report_memory.py: memory_by_dtype,
#                        peak_bytes, QLinearConv MACs, concat_copy_bytes
#   quant_svg_NAME       tests/svg/check_svg.py: the uint8 slices drawn
# The batch-2 model also gets the loop's compare tests (passes on, -O0,
# the reference conv kernel).

set(b2 densenet_bc_b2)
add_test(NAME quant_export_${b2}
         COMMAND ${SYSTEM_PYTHON} ${PROJECT_SOURCE_DIR}/tools/export_densenet.py --reuse --check --arch densenet_bc
                 --batch 2 -o ${dir}/quant_${b2}.onnx)
set_tests_properties(quant_export_${b2} PROPERTIES FIXTURES_SETUP quant_float_${b2} TIMEOUT 900
                     LABELS "models;quant")
add_test(NAME quant_qdq_${b2} COMMAND ${qdq} ${dir}/quant_${b2}.onnx -o ${dir}/quant_${b2}_qdq.onnx)
set_tests_properties(quant_qdq_${b2} PROPERTIES FIXTURES_REQUIRED quant_float_${b2} FIXTURES_SETUP quant_qdq_${b2}
                     TIMEOUT 900 LABELS "models;quant")
add_test(NAME quant_${b2} COMMAND ${onnxcc_bin} compare ${dir}/quant_${b2}_qdq.onnx --tolerance 1e-2)
add_test(NAME quant_${b2}_O0 COMMAND ${onnxcc_bin} compare ${dir}/quant_${b2}_qdq.onnx -O0 --tolerance 1e-2)
add_test(NAME quant_${b2}_scalar COMMAND ${onnxcc_bin} compare ${dir}/quant_${b2}_qdq.onnx --tolerance 1e-2)
set_tests_properties(quant_${b2}_scalar PROPERTIES ENVIRONMENT ONNXCC_ISA=scalar)
# Without fuse_qconcat the Concats stay float between DequantizeLinears
# and a QuantizeLinear: the DequantizeLinears write the float slices.
add_test(NAME quant_${b2}_float_slices COMMAND ${onnxcc_bin} compare ${dir}/quant_${b2}_qdq.onnx
         --disable-pass fuse_qconcat --tolerance 1e-5)
add_test(NAME quant_${b2}_float_views COMMAND ${CMAKE_COMMAND} -DONNXCC=${onnxcc_bin}
         -DMODEL=${dir}/quant_${b2}_qdq.onnx -DDIR=${CMAKE_CURRENT_BINARY_DIR}/float_slices_${b2} -DCONCATS=18
         "-DEXTRA=--disable-pass;fuse_qconcat" -P ${CMAKE_CURRENT_SOURCE_DIR}/check_slices.cmake)
set_tests_properties(quant_${b2} quant_${b2}_O0 quant_${b2}_scalar quant_${b2}_float_slices quant_${b2}_float_views
                     PROPERTIES FIXTURES_REQUIRED quant_qdq_${b2} TIMEOUT 900 LABELS "compare;quant")

foreach(entry ${models} "${b2}|-|rel 1e-2|39|20|18")
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 0 name)
  list(GET fields 2 steps)
  list(GET fields 5 qconcat)
  if(steps MATCHES "^rel ")
    string(REPLACE "rel " "" tol "${steps}")
    set(bound --tolerance ${tol})
  else()
    set(bound --quant-steps ${steps})
  endif()
  set(model ${dir}/quant_${name}_qdq.onnx)
  add_test(NAME quant_${name}_slices COMMAND ${CMAKE_COMMAND} -DONNXCC=${onnxcc_bin} -DMODEL=${model}
           -DDIR=${CMAKE_CURRENT_BINARY_DIR}/slices_${name} -DCONCATS=${qconcat}
           -P ${CMAKE_CURRENT_SOURCE_DIR}/check_slices.cmake)
  add_test(NAME quant_${name}_noslice COMMAND ${onnxcc_bin} compare ${model} --disable-pass slice_concats ${bound})
  add_test(NAME quant_plan_${name} COMMAND ${SYSTEM_PYTHON} ${PROJECT_SOURCE_DIR}/tests/check_plan.py ${onnxcc_bin}
           ${model})
  set_tests_properties(quant_${name}_slices quant_plan_${name} PROPERTIES FIXTURES_REQUIRED quant_qdq_${name}
                       LABELS quant)
  set_tests_properties(quant_${name}_noslice PROPERTIES FIXTURES_REQUIRED quant_qdq_${name} TIMEOUT 900
                       LABELS "compare;quant")
  if(qconcat GREATER 0)
    add_test(NAME quant_report_memory_${name}
             COMMAND ${SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_report_memory.py ${onnxcc_bin} ${model}
                     --min-uint8-concats ${qconcat})
    add_test(NAME quant_svg_${name} COMMAND ${SYSTEM_PYTHON} ${PROJECT_SOURCE_DIR}/tests/svg/check_svg.py
             ${onnxcc_bin} ${model} ${CMAKE_CURRENT_BINARY_DIR}/svg_${name})
    set_tests_properties(quant_report_memory_${name} quant_svg_${name} PROPERTIES
                         FIXTURES_REQUIRED quant_qdq_${name} LABELS quant)
  endif()
endforeach()

# Byte Concats over every writer and reader slice_concats allows
# (QuantizeLinear, QLinearConv on the reference loop and on
# onnxcc_u8s8_conv2d, DequantizeLinear), batch 2: strided slices and a
# strided view, against onnxruntime exactly, with the pass on and off.
set(qslice ${dir}/quant_qslice.onnx)
add_test(NAME quant_qslice_model COMMAND ${SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/make_qslice.py ${qslice})
set_tests_properties(quant_qslice_model PROPERTIES FIXTURES_SETUP quant_qslice LABELS quant)
add_test(NAME quant_qslice COMMAND ${onnxcc_bin} compare ${qslice} --quant-steps 0)
add_test(NAME quant_qslice_noslice COMMAND ${onnxcc_bin} compare ${qslice} --quant-steps 0 --disable-pass slice_concats)
add_test(NAME quant_qslice_views COMMAND ${CMAKE_COMMAND} -DONNXCC=${onnxcc_bin} -DMODEL=${qslice}
         -DDIR=${CMAKE_CURRENT_BINARY_DIR}/qslice -DCONCATS=2 -P ${CMAKE_CURRENT_SOURCE_DIR}/check_slices.cmake)
set_tests_properties(quant_qslice quant_qslice_noslice quant_qslice_views PROPERTIES FIXTURES_REQUIRED quant_qslice
                     LABELS quant)
