#include "swfvault/emulator.h"

int main(int argc, char** argv) { return swfvault::RunEmulator(argc, argv); }
