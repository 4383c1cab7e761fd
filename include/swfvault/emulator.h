// swfvault-emulator: an offline SWF server over mutual TLS (see README "Emulator").
// RunEmulator parses argv, serves until SIGINT/SIGTERM and returns the exit code.
#ifndef SWFVAULT_EMULATOR_H_
#define SWFVAULT_EMULATOR_H_

namespace swfvault {

int RunEmulator(int argc, char** argv);

}  // namespace swfvault

#endif  // SWFVAULT_EMULATOR_H_
