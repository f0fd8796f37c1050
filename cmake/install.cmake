# Install rules for the parts that are not one component's own: the exported CMake package
# (dnskitConfig.cmake, its version file and one dnskit-<component>-targets.cmake per library),
# one pkg-config module per library (dnskit-dns.pc, dnskit-zones.pc, ...) with dnskit.pc as the
# umbrella over all of them, and the example zones.
# Included last by the root CMakeLists.txt, when every component has declared its targets, so
# it sees exactly the libraries that exist in this tree (any subset of the components).
#
# Each component carries only its own dependencies: a program that uses the resolver alone
# needs c-ares and libidn2, never the name server's toml++ or fmt.
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
  message(STATUS "dnskit: no libraries yet, so no CMake package or pkg-config file is installed")
  return()
endif()
list(REMOVE_DUPLICATES dnskit_exported)

set(dnskit_pc_description_dns "dnskit protocol core: names, RR types, rdata, messages")
set(dnskit_pc_description_zones "dnskit zone files and zone data: parser, checks, lookup")
set(dnskit_pc_description_resolver "dnskit asynchronous resolver on c-ares and Boost.Asio")
set(dnskit_pc_description_nameserver "dnskit authoritative name server library")

# The pkg-config files find the prefix from their own place, so `cmake --install --prefix P`
# gives working files wherever P is.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(DNSKIT_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(DNSKIT_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH up "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
  string(REGEX REPLACE "/$" "" up "${up}")
  set(DNSKIT_PC_PREFIX "\${pcfiledir}/${up}")
  set(DNSKIT_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()

# _dnskit_component_dependencies(<component>): scans the link properties of dnskit_<component>
# and sets, in the caller's scope,
#   uses          the other dnskit components it links (dns, zones, ...)
#   find_block    the find_dependency() lines its imported target needs
#   pc_requires   the pkg-config modules of its outside dependencies
#   pc_libs       -l flags for outside libraries that have no pkg-config module
#   is_shared     ON for a shared library
# The libraries are static by default, so even PRIVATE dependencies appear in the exported
# target (as $<LINK_ONLY:...>) and must be found by a consumer. Scanning keeps the lists right
# as components add dependencies.
function(_dnskit_component_dependencies component)
  set(target dnskit_${component})
  get_target_property(type ${target} TYPE)
  get_target_property(link ${target} LINK_LIBRARIES)
  get_target_property(interface_link ${target} INTERFACE_LINK_LIBRARIES)
  string(REGEX MATCHALL "[A-Za-z0-9_]+::[A-Za-z0-9_.+-]+" used "${link};${interface_link}")
  list(REMOVE_DUPLICATES used)

  set(uses "")
  set(packages "")
  set(pkg_modules "")
  set(boost_components "")
  set(pc_requires "")
  set(pc_libs "")
  set(boost_used OFF)
  foreach(dep IN LISTS used)
    string(REPLACE "::" ";" parts "${dep}")
    list(GET parts 0 namespace)
    list(GET parts 1 name)
    if(namespace STREQUAL "dnskit")
      if(NOT name STREQUAL component)
        list(APPEND uses ${name})
      endif()
    elseif(namespace STREQUAL "PkgConfig")
      # c-ares 1.18 and libidn2 ship only pkg-config files: the config re-creates the imported
      # target under the name the exported targets use (PkgConfig::<PREFIX>).
      set(module "${${name}_MODULE_NAME}")
      if(NOT module)
        message(FATAL_ERROR "dnskit install: ${dep} is linked by dnskit_${component}, but its "
                            "pkg-config module name is unknown")
      endif()
      list(APPEND pkg_modules "${name}=${module}")
      list(APPEND pc_requires ${module})
    elseif(namespace STREQUAL "Boost")
      set(boost_used ON)
      if(NOT name MATCHES "^(headers|boost|disable_autolinking|dynamic_linking|diagnostic_definitions)$")
        list(APPEND boost_components ${name})
        string(APPEND pc_libs " -lboost_${name}")
      endif()
    elseif(namespace STREQUAL "Threads")
      list(APPEND packages Threads)
      string(APPEND pc_libs " -pthread")
    elseif(namespace STREQUAL "OpenSSL")
      # OpenSSL::Crypto (the TSIG HMAC in dns/, NSEC3 hashing in zones/, server cookies):
      # its pkg-config module is libcrypto.
      list(APPEND packages OpenSSL)
      list(APPEND pc_requires libcrypto)
    else()
      # fmt::fmt, tomlplusplus::tomlplusplus, nlohmann_json::nlohmann_json, ...: the namespace
      # is the package name in Debian's CMake configs, and mostly its pkg-config module too.
      list(APPEND packages ${namespace})
      if(PKG_CONFIG_FOUND)
        execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} --exists ${namespace} RESULT_VARIABLE rc)
        if(rc EQUAL 0)
          list(APPEND pc_requires ${namespace})
        endif()
      endif()
    endif()
  endforeach()
  list(REMOVE_DUPLICATES packages)
  list(REMOVE_DUPLICATES pkg_modules)
  list(REMOVE_DUPLICATES boost_components)
  list(REMOVE_DUPLICATES pc_requires)

  set(find_block "")
  if(boost_used OR boost_components)
    string(APPEND find_block "  find_dependency(Boost ${Boost_VERSION_MAJOR}.${Boost_VERSION_MINOR}")
    if(boost_components)
      list(JOIN boost_components " " boost_text)
      string(APPEND find_block " COMPONENTS ${boost_text}")
    endif()
    string(APPEND find_block ")\n")
  endif()
  foreach(package IN LISTS packages)
    string(APPEND find_block "  find_dependency(${package})\n")
  endforeach()
  foreach(entry IN LISTS pkg_modules)
    string(REPLACE "=" ";" entry "${entry}")
    list(GET entry 0 prefix)
    list(GET entry 1 module)
    string(APPEND find_block "  _dnskit_pkg_target(${prefix} ${module})\n")
  endforeach()

  foreach(var uses find_block pc_requires pc_libs)
    set(${var} "${${var}}" PARENT_SCOPE)
  endforeach()
  if(type STREQUAL "SHARED_LIBRARY")
    set(is_shared ON PARENT_SCOPE)
  else()
    set(is_shared OFF PARENT_SCOPE)
  endif()
endfunction()

# Walk the components in dependency order (DNSKIT_COMPONENTS lists dns first).
set(dnskit_components "")
set(DNSKIT_CONFIG_COMPONENT_BLOCKS "")
foreach(component IN LISTS DNSKIT_COMPONENTS)
  set(target dnskit_${component})
  if(NOT TARGET ${target} OR NOT "${target}" IN_LIST dnskit_exported)
    continue()
  endif()
  get_target_property(type ${target} TYPE)
  if(NOT type MATCHES "^(STATIC|SHARED)_LIBRARY$")
    continue()
  endif()
  list(APPEND dnskit_components ${component})
  _dnskit_component_dependencies(${component})

  # The package config's part for this component: what it uses, and how to find its
  # dependencies (run only when the component is requested, or needed by one that is).
  string(APPEND DNSKIT_CONFIG_COMPONENT_BLOCKS
         "set(_dnskit_uses_${component} \"${uses}\")\n"
         "macro(_dnskit_find_dependencies_${component})\n${find_block}endmacro()\n")
  install(EXPORT dnskit-${component}-targets NAMESPACE dnskit::
          FILE dnskit-${component}-targets.cmake DESTINATION "${DNSKIT_INSTALL_CMAKEDIR}")

  # dnskit-<component>.pc. Static libraries need their dependencies on every link line, so
  # they go to Requires; shared libraries carry them, so Requires.private suffices. The other
  # dnskit components are always in Requires: their headers are part of this one's.
  set(DNSKIT_PC_NAME dnskit-${component})
  set(DNSKIT_PC_DESCRIPTION "${dnskit_pc_description_${component}}")
  if(NOT DNSKIT_PC_DESCRIPTION)
    set(DNSKIT_PC_DESCRIPTION "dnskit ${component} library")
  endif()
  set(requires "")
  foreach(used IN LISTS uses)
    list(APPEND requires dnskit-${used})
  endforeach()
  get_target_property(output_name ${target} OUTPUT_NAME)
  if(NOT output_name)
    set(output_name ${target})
  endif()
  set(DNSKIT_PC_LIBS " -L\${libdir} -l${output_name}")
  if(is_shared)
    list(JOIN requires ", " DNSKIT_PC_REQUIRES)
    list(JOIN pc_requires ", " DNSKIT_PC_REQUIRES_PRIVATE)
    set(DNSKIT_PC_LIBS_PRIVATE "${pc_libs}")
  else()
    list(APPEND requires ${pc_requires})
    list(JOIN requires ", " DNSKIT_PC_REQUIRES)
    set(DNSKIT_PC_REQUIRES_PRIVATE "")
    string(APPEND DNSKIT_PC_LIBS "${pc_libs}")
    set(DNSKIT_PC_LIBS_PRIVATE "")
  endif()
  configure_file("${PROJECT_SOURCE_DIR}/cmake/dnskit.pc.in"
                 "${PROJECT_BINARY_DIR}/pkgconfig/dnskit-${component}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/dnskit-${component}.pc"
          DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
endforeach()

# dnskit.pc: the umbrella, every installed component (most dependent first).
set(DNSKIT_PC_NAME dnskit)
set(DNSKIT_PC_DESCRIPTION "${PROJECT_DESCRIPTION}")
set(requires ${dnskit_components})
list(REVERSE requires)
list(TRANSFORM requires PREPEND "dnskit-")
list(JOIN requires ", " DNSKIT_PC_REQUIRES)
set(DNSKIT_PC_REQUIRES_PRIVATE "")
set(DNSKIT_PC_LIBS "")
set(DNSKIT_PC_LIBS_PRIVATE "")
configure_file("${PROJECT_SOURCE_DIR}/cmake/dnskit.pc.in" "${PROJECT_BINARY_DIR}/pkgconfig/dnskit.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/dnskit.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

set(DNSKIT_PACKAGE_COMPONENTS "${dnskit_components}")
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/dnskitConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/dnskitConfig.cmake"
  INSTALL_DESTINATION "${DNSKIT_INSTALL_CMAKEDIR}")
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/dnskitConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/dnskitConfig.cmake" "${PROJECT_BINARY_DIR}/dnskitConfigVersion.cmake"
        DESTINATION "${DNSKIT_INSTALL_CMAKEDIR}")

message(STATUS "dnskit: package components: ${dnskit_components}")
