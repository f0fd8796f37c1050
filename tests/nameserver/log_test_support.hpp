#pragma once
// Shared by the tests of the server's log lines and of the query log: one fixed instant to
// format, and a text cut into its lines.
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

namespace nstest {

// 2026-12-07T10:27:18.123Z
inline std::chrono::system_clock::time_point example_time() {
  using namespace std::chrono;
  return system_clock::time_point(sys_days(year(2026) / December / 7) + hours(10) + minutes(27) +
                                  seconds(18) + milliseconds(123));
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace nstest
