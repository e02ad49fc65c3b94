# Negative test of check_layers.cmake: a model file that includes the index must fail the check, and
# the same tree without that include must pass it.
# Usage: cmake -DCHECKER=<check_layers.cmake> -DWORK_DIR=<scratch folder> -P check_layers_test.cmake
cmake_minimum_required(VERSION 3.25)

file(REMOVE_RECURSE ${WORK_DIR})
file(WRITE ${WORK_DIR}/engine/model/types.h "#include \"engine/refdata/reference_data.h\"\n")
file(WRITE ${WORK_DIR}/engine/index/match_index.h "#include \"engine/scoring/pair_kernel.h\"\n")

execute_process(COMMAND ${CMAKE_COMMAND} -DENGINE_DIR=${WORK_DIR}/engine -P ${CHECKER}
                RESULT_VARIABLE ok_result ERROR_VARIABLE ok_error)
if(NOT ok_result EQUAL 0)
  message(FATAL_ERROR "a tree with only downward includes was rejected:\n${ok_error}")
endif()

file(APPEND ${WORK_DIR}/engine/model/types.h "#include \"engine/index/match_index.h\"\n")
execute_process(COMMAND ${CMAKE_COMMAND} -DENGINE_DIR=${WORK_DIR}/engine -P ${CHECKER}
                RESULT_VARIABLE bad_result ERROR_VARIABLE bad_error)
if(bad_result EQUAL 0)
  message(FATAL_ERROR "an upward include (model -> index) was accepted")
endif()
if(NOT bad_error MATCHES "engine/model/types.h: #include \"engine/index/match_index.h\"")
  message(FATAL_ERROR "the check failed without naming the upward include:\n${bad_error}")
endif()
message(STATUS "check_layers rejects model -> index and accepts downward includes")
