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

function(swfvault_tests name)
  if(NOT SWFVAULT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "UNIT;INTEGRATION;DEPS;LIBS" ${ARGN})
  swfvault_existing(T_UNIT ${T_UNIT})
  swfvault_existing(T_INTEGRATION ${T_INTEGRATION})
  set(deps swfvault_test_support)
  foreach(dep ${T_DEPS})
    list(APPEND deps swfvault_${dep})
  endforeach()
  if(T_UNIT)
    if(NOT TARGET swfvault_unit_tests)
      add_custom_target(swfvault_unit_tests)  # builds every unit test executable
    endif()
    add_executable(swfvault_${name}_tests ${T_UNIT})
    add_dependencies(swfvault_unit_tests swfvault_${name}_tests)
    target_include_directories(swfvault_${name}_tests PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_BINARY_DIR}/generated)
    target_link_libraries(swfvault_${name}_tests PRIVATE ${deps} ${T_LIBS} GTest::gtest_main GTest::gmock)
    gtest_discover_tests(swfvault_${name}_tests DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS unit FIXTURES_REQUIRED pki)
  endif()
  if(T_INTEGRATION)
    add_executable(swfvault_${name}_itests ${T_INTEGRATION})
    target_include_directories(swfvault_${name}_itests PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_BINARY_DIR}/generated)
    target_link_libraries(swfvault_${name}_itests PRIVATE ${deps} ${T_LIBS} GTest::gtest_main GTest::gmock)
    add_dependencies(swfvault_${name}_itests swfvault-emulator swfvault)
    gtest_discover_tests(swfvault_${name}_itests DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS integration FIXTURES_REQUIRED pki TIMEOUT 900)
  endif()
endfunction()

# Runs test sources once more on each set of file-system semantics of
# tests/support/fs_semantics.h (no RENAME_NOREPLACE; no hard links either), so the fallbacks
# for NFS, SMB and FUSE mounts are tested on any disk. The tests are named
# `no-noreplace/Suite.Test` and `no-noreplace-no-links/Suite.Test` (`ctest -R ^no-noreplace`).
#
#   swfvault_fs_semantics_tests(NAME LABEL unit|integration SOURCES a_test.cc DEPS mirror)
function(swfvault_fs_semantics_tests name)
  if(NOT SWFVAULT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "LABEL" "SOURCES;DEPS;LIBS" ${ARGN})
  swfvault_existing(T_SOURCES ${T_SOURCES})
  set(target swfvault_${name}_fs_tests)
  add_executable(${target} ${T_SOURCES} tests/support/fs_semantics_main.cc)
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_BINARY_DIR}/generated)
  target_link_libraries(${target} PRIVATE swfvault_test_support GTest::gtest GTest::gmock ${T_LIBS})
  foreach(dep ${T_DEPS})
    target_link_libraries(${target} PRIVATE swfvault_${dep})
  endforeach()
  set(timeout 120)
  if(T_LABEL STREQUAL "unit")
    add_dependencies(swfvault_unit_tests ${target})
  else()
    add_dependencies(${target} swfvault-emulator swfvault)
    set(timeout 900)
  endif()
  foreach(semantics no-noreplace no-noreplace-no-links)
    gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 TEST_PREFIX "${semantics}/"
      PROPERTIES LABELS ${T_LABEL} FIXTURES_REQUIRED pki TIMEOUT ${timeout}
                 ENVIRONMENT "SWFVAULT_TEST_FS=${semantics}")
  endforeach()
endfunction()
