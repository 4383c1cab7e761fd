#include "swfvault/emulator.h"

#include <cstdio>

namespace swfvault {

int RunEmulator(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "swfvault-emulator: not built yet\n");
  return 1;
}

}  // namespace swfvault
