# Stored results (src/results/): the JSON Lines reader parses with Jansson
# (strict RFC 8259, duplicate keys refused, line/column in its errors), and
# the header record states the build, generated at every build.
nnb_require_pkg(JANSSON jansson libjansson-dev)
target_link_libraries(nnbench PUBLIC PkgConfig::JANSSON)

string(TOUPPER "${CMAKE_BUILD_TYPE}" _nnb_bt)
get_directory_property(_nnb_opts COMPILE_OPTIONS)
string(JOIN " " _nnb_cflags ${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${_nnb_bt}} ${_nnb_opts} ${OpenMP_C_FLAGS})
string(STRIP "${_nnb_cflags}" _nnb_cflags)
set(NNB_BUILD_INFO_H ${CMAKE_BINARY_DIR}/generated/nnb_build_info.h)
add_custom_target(nnb_build_info
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${NNB_BUILD_INFO_H}
          "-DCOMPILER=${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER_VERSION}" "-DCFLAGS=${_nnb_cflags}"
          "-DBUILD_TYPE=${CMAKE_BUILD_TYPE}" -P ${CMAKE_SOURCE_DIR}/cmake/build_info.cmake
  BYPRODUCTS ${NNB_BUILD_INFO_H}
  COMMENT "build info (git commit) for the results header" VERBATIM)
add_dependencies(nnbench nnb_build_info)
target_include_directories(nnbench PRIVATE ${CMAKE_BINARY_DIR}/generated)
