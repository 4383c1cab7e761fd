#include "swfvault/cli.h"

int main(int argc, char** argv) { return swfvault::RunCli(argc, argv); }
