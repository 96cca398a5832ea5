# One interface target carries the project's compile policy; every target links it privately.
add_library(foresight_policy INTERFACE)
add_library(foresight::policy ALIAS foresight_policy)

target_compile_features(foresight_policy INTERFACE cxx_std_23)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_options(foresight_policy INTERFACE
    -Wall -Wextra -Wpedantic -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual
    -Wshadow=local
    $<$<BOOL:${FORESIGHT_WERROR}>:-Werror>)

target_compile_definitions(foresight_policy INTERFACE
    FORESIGHT_VERSION_STRING="${PROJECT_VERSION}"
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER QT_NO_KEYWORDS)

if(FORESIGHT_SANITIZE)
    target_compile_options(foresight_policy INTERFACE
        -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(foresight_policy INTERFACE -fsanitize=address,undefined)
endif()
