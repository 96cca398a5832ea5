# Checks every #include in the engine against the module order of engine/modules.cmake:
#
#   cmake -DENGINE_DIR=<path to engine/> -P cmake/CheckModuleLayers.cmake
#
# A file of module M (engine/src/M/ or engine/include/foresight/M/) may include the headers of
# M and of the modules M depends on, directly or through others; nothing above. The build
# enforces the same for what it compiles (each module's include roots hold only what it links);
# this check also covers headers no source of their own module includes, and include paths that
# climb out with "../". It also checks that every folder is a listed module and that each
# module depends only on modules listed before it, and that each module's files declare their
# names in its own namespace. Exits non-zero naming each wrong include or namespace.
cmake_minimum_required(VERSION 3.25)

if(NOT ENGINE_DIR)
    message(FATAL_ERROR "usage: cmake -DENGINE_DIR=<engine folder> -P CheckModuleLayers.cmake")
endif()
include(${ENGINE_DIR}/modules.cmake)

set(problems "")

# The order: each dependency must already be listed, so the graph has no cycle.
set(seen "")
foreach(module IN LISTS FORESIGHT_ENGINE_MODULES)
    foreach(dep IN LISTS FORESIGHT_MODULE_${module}_DEPENDS)
        if(NOT dep IN_LIST seen)
            list(APPEND problems "modules.cmake: ${module} depends on ${dep}, which is not listed before it")
        endif()
    endforeach()
    list(APPEND seen ${module})
endforeach()

# What each module may include: itself and everything below it that it reaches.
foreach(module IN LISTS FORESIGHT_ENGINE_MODULES)
    set(allowed ${module})
    set(queue ${FORESIGHT_MODULE_${module}_DEPENDS})
    while(queue)
        list(POP_FRONT queue dep)
        if(NOT dep IN_LIST allowed)
            list(APPEND allowed ${dep})
            list(APPEND queue ${FORESIGHT_MODULE_${dep}_DEPENDS})
        endif()
    endwhile()
    set(allowed_${module} ${allowed})
endforeach()

foreach(root IN ITEMS src include/foresight)
    file(GLOB folders LIST_DIRECTORIES true RELATIVE ${ENGINE_DIR}/${root} ${ENGINE_DIR}/${root}/*)
    foreach(folder IN LISTS folders)
        if(IS_DIRECTORY ${ENGINE_DIR}/${root}/${folder} AND NOT folder IN_LIST FORESIGHT_ENGINE_MODULES)
            list(APPEND problems "${root}/${folder}: a folder that is not a module of modules.cmake")
        endif()
    endforeach()
endforeach()

set(checked 0)
foreach(module IN LISTS FORESIGHT_ENGINE_MODULES)
    file(GLOB_RECURSE files ${ENGINE_DIR}/src/${module}/* ${ENGINE_DIR}/include/foresight/${module}/*)
    foreach(file IN LISTS files)
        math(EXPR checked "${checked} + 1")
        file(RELATIVE_PATH shown ${ENGINE_DIR} ${file})
        # The namespace rule of docs/architecture.md: a block opened in a module's files is
        # foresight::<module> (or nested in it); core and vocabulary are plain foresight. Another
        # module's names come in by #include, never by a forward declaration in its namespace.
        file(STRINGS ${file} namespaces REGEX "^namespace foresight[A-Za-z_:]* {$")
        foreach(line IN LISTS namespaces)
            string(REGEX REPLACE "^namespace (foresight[A-Za-z_:]*) {$" "\\1" name "${line}")
            if(module STREQUAL "core" OR module STREQUAL "vocabulary")
                set(expected foresight)
            else()
                set(expected foresight::${module})
            endif()
            if(NOT name STREQUAL expected AND NOT name MATCHES "^${expected}::")
                list(APPEND problems "${shown}: opens namespace ${name}: ${module}'s names belong in ${expected}")
            endif()
        endforeach()
        file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
        foreach(line IN LISTS includes)
            string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]*)[>\"].*" "\\1" path "${line}")
            set(target "")
            if(path MATCHES "^foresight/([a-z_]+)/")
                set(target ${CMAKE_MATCH_1})
            elseif(path MATCHES "^([a-z_]+)/" AND CMAKE_MATCH_1 IN_LIST FORESIGHT_ENGINE_MODULES)
                set(target ${CMAKE_MATCH_1})
            endif()
            if(path MATCHES "\\.\\./")
                list(APPEND problems "${shown}: includes ${path}: climbs out of its folder")
            elseif(target AND NOT target IN_LIST allowed_${module})
                list(JOIN allowed_${module} ", " may)
                list(APPEND problems "${shown}: includes ${path}: ${module} may use only ${may}")
            endif()
        endforeach()
    endforeach()
endforeach()

list(LENGTH problems count)
if(count GREATER 0)
    list(JOIN problems "\n  " text)
    message(FATAL_ERROR "${count} layering problem(s):\n  ${text}")
endif()
message(STATUS "layering: ${checked} files checked, no wrong-way include")
