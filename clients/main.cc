// passerelle: the command-line client of passerelle-server. See `passerelle --help` and docs/api.md.
#include <iostream>
#include <string>
#include <vector>

#include "clients/command.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return passerelle::clients::RunCommandLine(args, std::cout, std::cerr);
}
