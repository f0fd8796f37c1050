#pragma once
// Primaries for the secondary-zone tests: another `nameserver`, Knot DNS (knotd) and BIND
// (named), each started as our own child process on 127.0.0.1 and a free port, with its own
// config, pid and data files in a temp dir, serving one zone from a file the test rewrites,
// sending NOTIFY to the secondary under test, and stopped by PID (SIGTERM).
#include <csignal>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "integration_support.hpp"
#include "peer_secondary.hpp"

namespace nstest {

class primary_peer {
 public:
  primary_peer(std::filesystem::path dir, std::string zone, std::uint16_t notify_port)
      : dir_(std::move(dir)), zone_(std::move(zone)), notify_port_(notify_port), port_(free_port()) {
    std::filesystem::create_directories(dir_);
  }
  virtual ~primary_peer() = default;
  primary_peer(const primary_peer&) = delete;
  primary_peer& operator=(const primary_peer&) = delete;

  // The zone file it serves (write it with write_file before start() and before reload()).
  std::filesystem::path zone_file() const { return dir_ / "primary.zone"; }
  test::server_address address() const { return {"127.0.0.1", port_}; }
  std::uint16_t port() const { return port_; }

  // Before start(): keep the differences between reloaded versions and answer IXFR with them
  // (Knot's `zonefile-load: difference`, BIND's `ixfr-from-differences yes`; nameserver always
  // does).
  void keep_differences() { keep_differences_ = true; }
  // Starts it and REQUIREs that it answers the zone's SOA.
  virtual void start() = 0;
  // After the zone file changed: the primary reads it again (and sends NOTIFY).
  virtual void reload() = 0;
  virtual void stop() = 0;
  virtual std::string log() const = 0;

 protected:
  // Polls (bounded) until the zone's SOA is answered authoritatively.
  bool wait_serving() const {
    return wait_secondary_serial(address(), zone_, "SOA", 100);
  }

  std::filesystem::path dir_;
  std::string zone_;
  std::uint16_t notify_port_;
  std::uint16_t port_;
  bool keep_differences_ = false;
};

class nameserver_primary : public primary_peer {
 public:
  using primary_peer::primary_peer;
  void start() override {
    std::vector<std::string> args = {"--listen", "127.0.0.1:" + std::to_string(port_), "--zone",
                                     zone_ + "=" + zone_file().string(), "--notify",
                                     "127.0.0.1:" + std::to_string(notify_port_)};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    server_ = start_server(args);
  }
  std::vector<std::string> extra_args;  // before start()
  void reload() override { REQUIRE(server_->process().signal(SIGHUP)); }
  void stop() override {
    if (server_) CHECK(server_->stop() == 0);
  }
  std::string log() const override { return server_ ? server_->stderr_text() : std::string{}; }

 private:
  std::unique_ptr<test::server_process> server_;
};

class knot_primary : public primary_peer {
 public:
  knot_primary(std::filesystem::path knotd, std::filesystem::path dir, std::string zone,
               std::uint16_t notify_port)
      : primary_peer(std::move(dir), std::move(zone), notify_port), knotd_(std::move(knotd)) {}
  void start() override {
    std::filesystem::create_directories(dir_ / "db");
    const std::string d = dir_.string();
    write_file(dir_ / "knot.conf",
               "server:\n    rundir: \"" + d + "\"\n    pidfile: \"" + d + "/knot.pid\"\n"
               "    listen: 127.0.0.1@" + std::to_string(port_) + "\n"
               "    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n"
               "database:\n    storage: \"" + d + "/db\"\n"
               "control:\n    listen: \"" + d + "/knot.sock\"\n"
               "log:\n  - target: stderr\n    any: info\n"
               "remote:\n  - id: secondary\n    address: 127.0.0.1@" + std::to_string(notify_port_) + "\n"
               "acl:\n  - id: transfer\n    address: 127.0.0.0/8\n    action: transfer\n"
               "template:\n  - id: default\n    storage: \"" + d + "\"\n"
               "    zonefile-sync: -1\n" +
               std::string(keep_differences_
                               ? "    journal-content: changes\n    zonefile-load: difference\n"
                               : "    journal-content: none\n") +
               "zone:\n  - domain: " + zone_ + "\n    file: \"" + zone_file().string() + "\"\n"
               "    notify: secondary\n    acl: transfer\n");
    std::string error;
    process_ = test::child_process::start(knotd_, {"-c", (dir_ / "knot.conf").string()}, error);
    INFO(error);
    REQUIRE(process_ != nullptr);
    INFO(log());
    REQUIRE(wait_serving());
  }
  void reload() override {
    const auto knotc = test::find_program("knotc");
    REQUIRE(knotc.has_value());
    const auto r = test::run_command({knotc->string(), "-s", (dir_ / "knot.sock").string(),
                                      "zone-reload", zone_});
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
  }
  void stop() override {
    if (!process_) return;
    process_->signal(SIGTERM);
    CHECK(process_->wait_exit(10s).has_value());
  }
  std::string log() const override { return process_ ? process_->stderr_text() : std::string{}; }

 private:
  std::filesystem::path knotd_;
  std::unique_ptr<test::child_process> process_;
};

class bind_primary : public primary_peer {
 public:
  bind_primary(std::filesystem::path named, std::filesystem::path dir, std::string zone,
               std::uint16_t notify_port)
      : primary_peer(std::move(dir), std::move(zone), notify_port), named_(std::move(named)) {}
  void start() override {
    const std::string d = dir_.string();
    // No rndc (controls {}), no IPv6, no recursion, NOTIFY at once (notify-delay 0: BIND waits
    // 5 s by default) and only to the secondary under test.
    write_file(dir_ / "named.conf",
               "options {\n  directory \"" + d + "\";\n  pid-file \"" + d + "/named.pid\";\n"
               "  session-keyfile \"" + d + "/session.key\";\n"
               "  managed-keys-directory \"" + d + "\";\n"
               "  listen-on port " + std::to_string(port_) + " { 127.0.0.1; };\n"
               "  listen-on-v6 { none; };\n  recursion no;\n  dnssec-validation no;\n"
               "  notify explicit;\n  notify-delay 0;\n  allow-transfer { 127.0.0.0/8; };\n};\n"
               "controls { };\n"
               "zone \"" + zone_ + "\" {\n  type primary;\n  file \"" + zone_file().string() + "\";\n" +
               // max-ixfr-ratio: BIND answers AXFR-style when the differences are larger than a
               // share of the zone, which they are in a test zone this small.
               std::string(keep_differences_
                               ? "  ixfr-from-differences yes;\n  max-ixfr-ratio unlimited;\n"
                               : "") +
               "  also-notify { 127.0.0.1 port " + std::to_string(notify_port_) + "; };\n};\n");
    std::string error;
    // -g: foreground, logging to stderr; stopped by SIGTERM like the other peers.
    process_ = test::child_process::start(named_, {"-g", "-c", (dir_ / "named.conf").string()}, error);
    INFO(error);
    REQUIRE(process_ != nullptr);
    INFO(log());
    REQUIRE(wait_serving());
  }
  void reload() override {
    // BIND reloads a zone whose file changed; its modification time must differ from the
    // loaded one, which a rewrite within the same second might not show.
    std::this_thread::sleep_for(1100ms);
    std::filesystem::last_write_time(zone_file(), std::filesystem::file_time_type::clock::now());
    REQUIRE(process_->signal(SIGHUP));
  }
  void stop() override {
    if (!process_) return;
    process_->signal(SIGTERM);
    CHECK(process_->wait_exit(10s).has_value());
  }
  std::string log() const override { return process_ ? process_->stderr_text() : std::string{}; }

 private:
  std::filesystem::path named_;
  std::unique_ptr<test::child_process> process_;
};

}  // namespace nstest
