#pragma once
// Running a program (dig, kdig, a server's checker) with a time limit and its output captured.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnskit::test {

struct command_result {
  int status = -1;  // exit status; 128 + signal when killed
  std::string out;
  std::string err;
  bool timed_out = false;  // killed (SIGKILL) after the time limit
};

// Runs argv[0] (looked up with find_program when it has no '/') with the rest as arguments.
command_result run_command(const std::vector<std::string>& argv,
                           std::chrono::milliseconds timeout = std::chrono::seconds(20));

// The program's path in $PATH, /usr/sbin or /sbin; std::nullopt when not installed.
std::optional<std::filesystem::path> find_program(std::string_view name);

}  // namespace dnskit::test
