#include "dnskit_test/command.hpp"

#include <unistd.h>

#include <cstdlib>

#include "dnskit_test/process.hpp"

namespace dnskit::test {

std::optional<std::filesystem::path> find_program(std::string_view name) {
  std::string dirs;
  if (const char* path = std::getenv("PATH")) dirs = path;
  dirs += ":/usr/sbin:/sbin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::filesystem::path candidate = std::filesystem::path(dirs.substr(start, end - start)) / name;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

command_result run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  command_result result;
  if (argv.empty()) return result;
  std::filesystem::path program = argv.front();
  if (argv.front().find('/') == std::string::npos) {
    auto found = find_program(argv.front());
    if (!found) {
      result.status = 127;
      result.err = argv.front() + ": not found";
      return result;
    }
    program = *found;
  }
  std::string error;
  auto child = child_process::start(program, {argv.begin() + 1, argv.end()}, error);
  if (!child) {
    result.err = error;
    return result;
  }
  auto status = child->wait_exit(timeout);
  if (!status) {
    result.timed_out = true;
    child->signal(SIGKILL);
    status = child->wait_exit(std::chrono::seconds(5));
  }
  result.status = status.value_or(-1);
  child->join_output();
  result.out = child->stdout_text();
  result.err = child->stderr_text();
  return result;
}

}  // namespace dnskit::test
