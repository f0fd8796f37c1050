// Interactive mode on a real terminal (tmux, on its own socket): the up arrow brings the last
// lookup back, and the history is kept in $HOME/.dnslookup_history.
#include <unistd.h>

#include <thread>

#include "cli_support.hpp"

using namespace clitest;

namespace {

// tmux on a socket of this test's own; every call bounded in time.
struct tmux_session {
  std::string socket = "dnslookup-history-" + std::to_string(::getpid());
  test::command_result run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"tmux", "-L", socket});
    return test::run_command(args, 10s);
  }
  std::string screen() const { return run({"capture-pane", "-p", "-t", "h"}).out; }
  ~tmux_session() { run({"kill-server"}); }
};

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = 0; (at = text.find(needle, at)) != std::string::npos; at += needle.size()) ++n;
  return n;
}

// Waits until the screen shows `needle` `times` times; the screen at that moment (or the last).
std::string wait_screen(const tmux_session& t, const std::string& needle, std::size_t times) {
  std::string screen;
  for (int i = 0; i < 200; ++i) {
    screen = t.screen();
    if (count(screen, needle) >= times) break;
    std::this_thread::sleep_for(100ms);
  }
  return screen;
}

}  // namespace

TEST_CASE("interactive: on a terminal the up arrow repeats the last lookup, kept in the history file", "[golden]") {
  REQUIRE(test::run_command({"tmux", "-V"}, 10s).status == 0);  // scripts/install-deps has it
  const auto home = std::filesystem::temp_directory_path() / ("dnslookup-home-" + std::to_string(::getpid()));
  std::filesystem::create_directories(home);
  {
    tmux_session t;
    const std::string command = "HOME=" + quote(home.string()) + " exec " + quote(dnslookup().string()) +
                                " -port=" + port_text() + " - 127.0.0.1";
    REQUIRE(t.run({"new-session", "-d", "-s", "h", "-x", "120", "-y", "50", command}).status == 0);
    wait_screen(t, "> ", 1);
    t.run({"send-keys", "-t", "h", "www.example.test", "Enter"});
    // The next prompt, not only the answer, before the next keys: line editing puts the
    // terminal back into its own mode when it prompts, which may drop input typed earlier.
    std::string screen = wait_screen(t, "Address: 192.0.2.1", 1);
    screen = wait_screen(t, "> ", 2);
    t.run({"send-keys", "-t", "h", "Up", "Enter"});
    screen = wait_screen(t, "Address: 192.0.2.1", 2);
    INFO(screen);
    CHECK(count(screen, "> www.example.test") == 2);  // the line brought back, as typed
    CHECK(count(screen, "Address: 192.0.2.1") == 2);  // and looked up again
    CHECK(screen.find("^[[A") == std::string::npos);
    t.run({"send-keys", "-t", "h", "exit", "Enter"});
    for (int i = 0; i < 100 && t.run({"has-session", "-t", "h"}).status == 0; ++i) std::this_thread::sleep_for(100ms);
  }
  const std::string history = read_file(home / ".dnslookup_history");
  INFO(history);
  CHECK(history.find("www.example.test") != std::string::npos);
  CHECK(history.find("exit") != std::string::npos);
  std::filesystem::remove_all(home);
}

TEST_CASE("interactive: scripted stdin keeps no history and shows no prompt", "[golden]") {
  const auto home = std::filesystem::temp_directory_path() / ("dnslookup-home-s-" + std::to_string(::getpid()));
  std::filesystem::create_directories(home);
  auto r = run_shell("HOME=" + quote(home.string()) + " " + quote(dnslookup().string()) + " -port=" + port_text() +
                     " - 127.0.0.1 <<'EOF'\nwww.example.test\nexit\nEOF\n");
  CHECK(r.out.find("> ") == std::string::npos);
  CHECK(r.out.find("Address: 192.0.2.1") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(home / ".dnslookup_history"));
  std::filesystem::remove_all(home);
}
