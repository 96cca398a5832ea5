# Installs the SDK component of BUILD_DIR into WORK_DIR/prefix, builds EXAMPLE_DIR against it as a
# project of its own, and checks what the example links and that it runs.
#   cmake -DBUILD_DIR=... -DEXAMPLE_DIR=... -DWORK_DIR=... [-DEXTRA_FLAGS=...] -P InstalledSdk.cmake
cmake_minimum_required(VERSION 3.25)

function(run what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
    endif()
    set(run_output "${out}${err}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
run("installing the sdk component"
    ${CMAKE_COMMAND} --install ${BUILD_DIR} --component sdk --prefix ${WORK_DIR}/prefix)

# Only the SDK's public headers are installed: nothing from engine/src, nothing of the modules
# above it.
file(GLOB_RECURSE headers RELATIVE ${WORK_DIR}/prefix/include ${WORK_DIR}/prefix/include/*)
foreach(header IN LISTS headers)
    if(NOT header MATCHES "^foresight/(core|state|protocol|transport|mirror|sdk)/[a-z]+\\.h$")
        message(FATAL_ERROR "installed a header the SDK should not carry: ${header}")
    endif()
endforeach()
if(NOT "foresight/sdk/client.h" IN_LIST headers)
    message(FATAL_ERROR "foresight/sdk/client.h was not installed; installed: ${headers}")
endif()

run("configuring app/example against the installed package"
    ${CMAKE_COMMAND} -S ${EXAMPLE_DIR} -B ${WORK_DIR}/build
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
    -DCMAKE_CXX_FLAGS=${EXTRA_FLAGS} -DCMAKE_EXE_LINKER_FLAGS=${EXTRA_FLAGS})
run("building app/example" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)

# What the example was linked with: the link line names every library it took.
file(GLOB_RECURSE link_files ${WORK_DIR}/build/*link.txt)
if(NOT link_files)
    message(FATAL_ERROR "no link.txt in ${WORK_DIR}/build: cannot check what the example links")
endif()
file(READ "${link_files}" link_line)
foreach(forbidden IN ITEMS Qt6Sql xgboost Eigen foresight_storage foresight_prediction foresight_agent)
    if(link_line MATCHES "${forbidden}")
        message(FATAL_ERROR "the example links ${forbidden}:\n${link_line}")
    endif()
endforeach()
if(NOT link_line MATCHES "libforesight_sdk\\.a" OR NOT link_line MATCHES "libzmq")
    message(FATAL_ERROR "the example does not link the installed SDK and libzmq:\n${link_line}")
endif()

run("running the example" ${WORK_DIR}/build/foresight-example --help)
if(NOT run_output MATCHES "A visit counter whose state lives in Foresight agents")
    message(FATAL_ERROR "the example's --help says something else:\n${run_output}")
endif()
message(STATUS "app/example built against the installed ForesightSdk and ran")
