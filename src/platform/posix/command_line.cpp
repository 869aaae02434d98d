#include "platform/command_line.hpp"

namespace lanspread::platform {

std::vector<std::string> utf8_arguments(int argc, char** argv) {
  return {argv, argv + argc};
}

}  // namespace lanspread::platform
