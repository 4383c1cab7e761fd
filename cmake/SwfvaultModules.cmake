# Helpers that keep each module a static library of its own, so one module and its tests
# can be built without compiling the rest (swfvault_core groups them all).
#
#   swfvault_module(NAME SOURCES a.cc b.cc DEPS platform LIBS PkgConfig::CURL)
#   swfvault_tests(NAME UNIT x_test.cc INTEGRATION y_itest.cc DEPS store)
set(SWFVAULT_MODULES "" CACHE INTERNAL "")
# For engineers working on several modules at once: leave out test sources that do not exist
# yet instead of failing the configure step. Never set in CI.
option(SWFVAULT_SKIP_MISSING_TESTS "Skip test sources that do not exist (development only)" OFF)

function(swfvault_existing out)
  set(kept "")
  foreach(f ${ARGN})
    if(NOT SWFVAULT_SKIP_MISSING_TESTS OR EXISTS ${CMAKE_SOURCE_DIR}/${f})
      list(APPEND kept ${f})
    endif()
  endforeach()
  set(${out} ${kept} PARENT_SCOPE)
endfunction()

function(swfvault_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;LIBS" ${ARGN})
  add_library(swfvault_${name} STATIC ${M_SOURCES})
  target_include_directories(swfvault_${name}
    PUBLIC ${CMAKE_SOURCE_DIR}/include
    PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_BINARY_DIR}/generated)
  target_link_libraries(swfvault_${name} PUBLIC Threads::Threads)
  foreach(dep ${M_DEPS})
    target_link_libraries(swfvault_${name} PUBLIC swfvault_${dep})
  endforeach()
  if(M_LIBS)
    target_link_libraries(swfvault_${name} PRIVATE ${M_LIBS})
  endif()
  set(SWFVAULT_MODULES ${SWFVAULT_MODULES} ${name} CACHE INTERNAL "")
endfunction()

# Adds the test executable `target` (a unit test builds with swfvault_unit_tests; an
# integration test needs both binaries built first) and returns its ctest timeout.
function(swfvault_test_executable target label timeout_var)
  cmake_parse_arguments(E "" "" "SOURCES;LINK" ${ARGN})
  add_executable(${target} ${E_SOURCES})
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_BINARY_DIR}/generated)
  target_link_libraries(${target} PRIVATE ${E_LINK})
  if(label STREQUAL "unit")
    if(NOT TARGET swfvault_unit_tests)
      add_custom_target(swfvault_unit_tests)  # builds every unit test executable
    endif()
    add_dependencies(swfvault_unit_tests ${target})
    set(${timeout_var} 600 PARENT_SCOPE)
  else()
    add_dependencies(${target} swfvault-emulator swfvault)
    set(${timeout_var} 900 PARENT_SCOPE)
  endif()
endfunction()

# The libraries a test of `deps` links: the support library and swfvault_<dep> for each.
function(swfvault_test_deps out)
  set(deps swfvault_test_support)
  foreach(dep ${ARGN})
    list(APPEND deps swfvault_${dep})
  endforeach()
  set(${out} ${deps} PARENT_SCOPE)
endfunction()

function(swfvault_tests name)
  if(NOT SWFVAULT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "UNIT;INTEGRATION;DEPS;LIBS" ${ARGN})
  swfvault_test_deps(deps ${T_DEPS})
  foreach(label unit integration)
    string(TOUPPER ${label} key)
    swfvault_existing(sources ${T_${key}})
    if(NOT sources)
      continue()
    endif()
    set(target swfvault_${name}_tests)
    if(label STREQUAL "integration")
      set(target swfvault_${name}_itests)
    endif()
    swfvault_test_executable(${target} ${label} timeout
      SOURCES ${sources} LINK ${deps} ${T_LIBS} GTest::gtest_main GTest::gmock)
    gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS ${label} FIXTURES_REQUIRED pki TIMEOUT ${timeout})
  endforeach()
endfunction()

# Runs test sources once more on each set of file-system semantics of
# tests/support/fs_semantics.h (no RENAME_NOREPLACE; no hard links either), so the fallbacks
# for NFS, SMB and FUSE mounts are tested on any disk, and once on a real bindfs FUSE mount
# (tests/support/fuse_mount.h). The tests are named `no-noreplace/Suite.Test`,
# `no-noreplace-no-links/Suite.Test` (`ctest -R ^no-noreplace`) and `fuse/Suite.Test`.
#
#   swfvault_fs_semantics_tests(NAME LABEL unit|integration SOURCES a_test.cc DEPS mirror)
function(swfvault_fs_semantics_tests name)
  if(NOT SWFVAULT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "LABEL" "SOURCES;DEPS;LIBS" ${ARGN})
  swfvault_existing(sources ${T_SOURCES})
  swfvault_test_deps(deps ${T_DEPS})
  set(target swfvault_${name}_fs_tests)
  swfvault_test_executable(${target} ${T_LABEL} timeout
    SOURCES ${sources} tests/support/fs_semantics_main.cc LINK ${deps} ${T_LIBS} GTest::gtest GTest::gmock)
  foreach(semantics no-noreplace no-noreplace-no-links fuse)
    gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 TEST_PREFIX "${semantics}/"
      PROPERTIES LABELS ${T_LABEL} FIXTURES_REQUIRED pki TIMEOUT ${timeout}
                 ENVIRONMENT "SWFVAULT_TEST_FS=${semantics}")
  endforeach()
endfunction()
