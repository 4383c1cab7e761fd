#include "swfvault/cli.h"

#include <cstdio>

namespace swfvault {

int RunCli(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "swfvault: no commands yet\n");
  return 64;
}

}  // namespace swfvault
