#pragma once
// Colour on a terminal: names bold, addresses green, errors red, headings cyan. Off when
// stdout is not a terminal, when NO_COLOR is set (https://no-color.org), or with --color=never.
#include <string>
#include <string_view>

#include "settings.hpp"

namespace dnskit::cli {

enum class role { name, address, error, heading, dim };

class style {
 public:
  style() = default;
  explicit style(bool enabled) : enabled_(enabled) {}
  // Decides from the mode, whether fd 1 is a terminal and the environment.
  static style for_stdout(colour_mode mode);

  bool enabled() const noexcept { return enabled_; }
  std::string paint(role r, std::string_view text) const;

 private:
  bool enabled_ = false;
};

}  // namespace dnskit::cli
