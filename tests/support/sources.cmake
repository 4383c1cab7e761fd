# Shared test support: temp dirs, the emulator process, a small mTLS HTTP client.
add_library(swfvault_test_support STATIC
  tests/support/temp_dir.cc
  tests/support/frozen_dir.cc
  tests/support/fs_semantics.cc
  tests/support/fuse_mount.cc
  tests/support/emulator_process.cc
  tests/support/https_client.cc
  tests/support/cli_process.cc
  tests/support/progress_pipe.cc
  tests/support/raw_tls_exchange.cc
)
target_include_directories(swfvault_test_support PUBLIC ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests ${CMAKE_SOURCE_DIR}/include)
target_link_libraries(swfvault_test_support PUBLIC GTest::gtest PkgConfig::NLOHMANN PkgConfig::CURL OpenSSL::SSL Threads::Threads)
target_compile_definitions(swfvault_test_support PUBLIC
  SWFVAULT_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
  SWFVAULT_BINARY_DIR="${CMAKE_BINARY_DIR}"
  SWFVAULT_TEST_PKI_DIR="${CMAKE_BINARY_DIR}/test-pki"
  SWFVAULT_EMULATOR_BIN="${CMAKE_BINARY_DIR}/swfvault-emulator"
  SWFVAULT_CLI_BIN="${CMAKE_BINARY_DIR}/swfvault")
