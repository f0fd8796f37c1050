#pragma once
// The authoritative name server as an object: loads the zones, listens on UDP and TCP, serves
// with a pool of worker threads, reloads zones on SIGHUP (or reload()), sends NOTIFY to the
// configured secondaries when a zone's serial changes, and stops gracefully on SIGINT/SIGTERM
// (or stop()). The `nameserver` executable is a thin command line around it.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dnskit/nameserver/config.hpp"

namespace dnskit::nameserver {

class server {
 public:
  explicit server(server_config config);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Loads every zone and binds every listener. On failure returns false with `error` holding
  // one line (a zone file's problems are logged, each as file:line:column, before it).
  bool start(std::string& error);

  // The listeners as bound (port 0 replaced by the port the system chose). After start().
  std::vector<endpoint_spec> listening() const;

  // Serves until stop() or SIGINT/SIGTERM; SIGHUP reloads the zones. Returns when every
  // listener is closed and every answer in flight has been sent (or a few seconds have passed).
  // `install_signal_handlers` = false leaves the process's signals alone (embedding, tests).
  void run(bool install_signal_handlers = true);

  // Thread-safe; may be called before run() is entered.
  void stop();
  // Thread-safe: reload every zone now (as SIGHUP does), on the server's control thread.
  void reload();

  // Makes every reload re-read the configuration first (`nameserver --config FILE`: the file,
  // then the command line's flags over it). The reader runs on the reload thread; it fills a
  // fresh server_config or returns false with a one-line error (FILE:LINE:COLUMN: ...), and then
  // the whole reload is refused: the running configuration and every zone stay as they were.
  // Settings bound at start (config_reload.hpp) keep their running value and are logged as
  // needing a restart. Call before run().
  using config_reader = std::function<bool(server_config& out, std::string& error)>;
  void reread_config_with(config_reader reader);

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace dnskit::nameserver
