# dnskit_add_library(<component> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# Defines dnskit_<component> with the alias dnskit::<component>, its public headers in
# <component>/include, and registers it for install/export. Each library has an export set of
# its own (dnskit-<component>-targets.cmake), so the package config loads, and finds the
# dependencies of, only the components a consumer asks for (cmake/install.cmake).
function(dnskit_add_library component)
  cmake_parse_arguments(arg "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target dnskit_${component})
  add_library(${target} ${arg_SOURCES})
  add_library(dnskit::${component} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${component} OUTPUT_NAME dnskit_${component})
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(${target} PUBLIC ${arg_PUBLIC_DEPS} PRIVATE ${arg_PRIVATE_DEPS} $<BUILD_INTERFACE:dnskit_warnings>)
  install(TARGETS ${target} EXPORT dnskit-${component}-targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  set_property(GLOBAL APPEND PROPERTY DNSKIT_EXPORTED_TARGETS ${target})
endfunction()
