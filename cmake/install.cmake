# Install rules for the parts that are not one component's own: the exported CMake package
# (dnskitConfig.cmake, its version file and dnskitTargets.cmake), dnskit.pc and the example zones.
# Included last by the root CMakeLists.txt, when every component has declared its targets, so
# it sees exactly the libraries that exist in this tree (any subset of the components).
include(CMakePackageConfigHelpers)

set(DNSKIT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/dnskit" CACHE STRING
    "Where the dnskit CMake package is installed, relative to the prefix")
mark_as_advanced(DNSKIT_INSTALL_CMAKEDIR)

# Example zones go to share/dnskit/zones (DESIGN.md §7) whatever else exists.
if(IS_DIRECTORY "${PROJECT_SOURCE_DIR}/zones/examples")
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/zones/examples/"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/dnskit/zones")
endif()

get_property(dnskit_exported GLOBAL PROPERTY DNSKIT_EXPORTED_TARGETS)
if(NOT dnskit_exported)
  message(STATUS "dnskit: no libraries yet, so no CMake package or dnskit.pc is installed")
  return()
endif()
list(REMOVE_DUPLICATES dnskit_exported)

# Which outside targets do the exported libraries link? The libraries are static by default,
# so even PRIVATE dependencies appear in dnskitTargets.cmake (as $<LINK_ONLY:...>) and the
# package config must find each of them for a consumer. Scanning the link properties keeps
# that list right as components add dependencies.
set(dnskit_components "")
set(dnskit_pc_libs "")
set(dnskit_any_shared OFF)
set(dnskit_link_text "")
foreach(target IN LISTS dnskit_exported)
  get_target_property(type ${target} TYPE)
  get_target_property(link ${target} LINK_LIBRARIES)
  get_target_property(interface_link ${target} INTERFACE_LINK_LIBRARIES)
  string(APPEND dnskit_link_text ";${link};${interface_link}")
  if(type STREQUAL "SHARED_LIBRARY")
    set(dnskit_any_shared ON)
  endif()
endforeach()

# Components in link order for pkg-config: a library before the ones it uses. DNSKIT_COMPONENTS
# lists them in dependency order (dns first), so walk it backwards.
set(dnskit_reversed ${DNSKIT_COMPONENTS})
list(REVERSE dnskit_reversed)
foreach(component IN LISTS dnskit_reversed)
  set(target dnskit_${component})
  if(TARGET ${target} AND "${target}" IN_LIST dnskit_exported)
    get_target_property(type ${target} TYPE)
    if(type MATCHES "^(STATIC|SHARED)_LIBRARY$")
      get_target_property(output_name ${target} OUTPUT_NAME)
      if(NOT output_name)
        set(output_name ${target})
      endif()
      string(APPEND dnskit_pc_libs " -l${output_name}")
      list(PREPEND dnskit_components ${component})
    endif()
  endif()
endforeach()

string(REGEX MATCHALL "[A-Za-z0-9_]+::[A-Za-z0-9_.+-]+" dnskit_used "${dnskit_link_text}")
list(REMOVE_DUPLICATES dnskit_used)
list(FILTER dnskit_used EXCLUDE REGEX "^dnskit::")

# Always: the project's declared dependencies (DESIGN.md §7, STYLE.md "CMake").
set(dnskit_find_packages Threads fmt)
set(dnskit_boost_components "")
set(dnskit_pkg_modules "CARES=libcares")
set(dnskit_pc_requires libcares fmt)
foreach(dep IN LISTS dnskit_used)
  string(REPLACE "::" ";" parts "${dep}")
  list(GET parts 0 namespace)
  list(GET parts 1 name)
  if(namespace STREQUAL "PkgConfig")
    set(module "${${name}_MODULE_NAME}")
    if(NOT module)
      message(FATAL_ERROR "dnskit install: ${dep} is linked by an exported library, but its "
                          "pkg-config module name is unknown")
    endif()
    list(APPEND dnskit_pkg_modules "${name}=${module}")
    list(APPEND dnskit_pc_requires ${module})
  elseif(namespace STREQUAL "Boost")
    if(NOT name MATCHES "^(headers|boost|disable_autolinking|dynamic_linking|diagnostic_definitions)$")
      list(APPEND dnskit_boost_components ${name})
    endif()
  elseif(namespace STREQUAL "fmt" OR namespace STREQUAL "Threads")
    # already in the list
  elseif(namespace STREQUAL "OpenSSL")
    # OpenSSL::Crypto (the TSIG HMAC in dns/, NSEC3 hashing in zones/): its pkg-config module
    # is libcrypto.
    list(APPEND dnskit_find_packages OpenSSL)
    list(APPEND dnskit_pc_requires libcrypto)
  else()
    # tomlplusplus::tomlplusplus, nlohmann_json::nlohmann_json, CLI11::CLI11, ...: the
    # namespace is the package name in Debian's CMake configs.
    list(APPEND dnskit_find_packages ${namespace})
    if(PKG_CONFIG_FOUND)
      execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} --exists ${namespace} RESULT_VARIABLE rc)
      if(rc EQUAL 0)
        list(APPEND dnskit_pc_requires ${namespace})
      endif()
    endif()
  endif()
endforeach()
list(REMOVE_DUPLICATES dnskit_find_packages)
list(REMOVE_DUPLICATES dnskit_pkg_modules)
list(REMOVE_DUPLICATES dnskit_boost_components)
list(REMOVE_DUPLICATES dnskit_pc_requires)

# The dependency block pasted into dnskitConfig.cmake.
set(DNSKIT_CONFIG_DEPENDENCIES "")
if(dnskit_boost_components)
  string(APPEND DNSKIT_CONFIG_DEPENDENCIES
         "find_dependency(Boost ${Boost_VERSION_MAJOR}.${Boost_VERSION_MINOR} COMPONENTS ${dnskit_boost_components})\n")
else()
  string(APPEND DNSKIT_CONFIG_DEPENDENCIES
         "find_dependency(Boost ${Boost_VERSION_MAJOR}.${Boost_VERSION_MINOR})\n")
endif()
foreach(package IN LISTS dnskit_find_packages)
  string(APPEND DNSKIT_CONFIG_DEPENDENCIES "find_dependency(${package})\n")
endforeach()
foreach(entry IN LISTS dnskit_pkg_modules)
  string(REPLACE "=" ";" entry "${entry}")
  list(GET entry 0 prefix)
  list(GET entry 1 module)
  string(APPEND DNSKIT_CONFIG_DEPENDENCIES "_dnskit_pkg_target(${prefix} ${module})\n")
endforeach()

set(DNSKIT_PACKAGE_COMPONENTS "${dnskit_components}")
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/dnskitConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/dnskitConfig.cmake"
  INSTALL_DESTINATION "${DNSKIT_INSTALL_CMAKEDIR}")
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/dnskitConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(EXPORT dnskitTargets NAMESPACE dnskit:: DESTINATION "${DNSKIT_INSTALL_CMAKEDIR}")
install(FILES "${PROJECT_BINARY_DIR}/dnskitConfig.cmake" "${PROJECT_BINARY_DIR}/dnskitConfigVersion.cmake"
        DESTINATION "${DNSKIT_INSTALL_CMAKEDIR}")

# dnskit.pc. The prefix is found from the file's own place, so `cmake --install --prefix P`
# gives a working file wherever P is. Static libraries need their dependencies on every link
# line, so they go to Requires; shared libraries carry them, so Requires.private suffices.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(DNSKIT_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(DNSKIT_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH up "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
  string(REGEX REPLACE "/$" "" up "${up}")
  set(DNSKIT_PC_PREFIX "\${pcfiledir}/${up}")
  set(DNSKIT_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
list(JOIN dnskit_pc_requires ", " dnskit_pc_requires_text)
if(dnskit_any_shared)
  set(DNSKIT_PC_REQUIRES "")
  set(DNSKIT_PC_REQUIRES_PRIVATE "${dnskit_pc_requires_text}")
else()
  set(DNSKIT_PC_REQUIRES "${dnskit_pc_requires_text}")
  set(DNSKIT_PC_REQUIRES_PRIVATE "")
endif()
set(DNSKIT_PC_LIBS "${dnskit_pc_libs}")
set(DNSKIT_PC_LIBS_PRIVATE "")
foreach(component IN LISTS dnskit_boost_components)
  string(APPEND DNSKIT_PC_LIBS " -lboost_${component}")
endforeach()
# Threads: part of every link line with static libraries, only of static links otherwise.
if(dnskit_any_shared)
  set(DNSKIT_PC_LIBS_PRIVATE "-pthread")
else()
  string(APPEND DNSKIT_PC_LIBS " -pthread")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/dnskit.pc.in" "${PROJECT_BINARY_DIR}/dnskit.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/dnskit.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

message(STATUS "dnskit: package components: ${dnskit_components}")
