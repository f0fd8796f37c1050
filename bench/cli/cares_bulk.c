/* cares_bulk: the bare c-ares baseline for bulk resolution. Reads names (one per line), keeps
 * CONCURRENCY queries in flight on one channel, parses each answer with ares_parse_a_reply /
 * ares_parse_aaaa_reply and prints "NAME<TAB>ADDRESS" (or "NAME<TAB>ERROR") for every name, as
 * `dnslookup --short -f` prints a line per name. The same channel settings as dnslookup's bulk
 * mode: one server, 5 s timeout, 3 tries, a 4 MiB receive buffer, sockets kept open.
 *
 *   cares_bulk -p PORT -f NAMES [-s 127.0.0.1] [-c 100] [-t A|AAAA]
 *
 * Ends with one line on stderr: names= answered= nxdomain= errors= wall_s= names_per_s=
 * Loopback servers only: the server is an address, never a name, and nothing reads
 * resolv.conf (ARES_OPT_SERVERS is set before any lookup). */
#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct job {
  char *name;
};

static struct job *jobs;
static size_t job_count, next_job, done_count, in_flight, concurrency = 100;
static size_t answered, nxdomain, errors;
static int qtype = ns_t_a;
static ares_channel channel;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void start_more(void);

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen) {
  struct job *j = arg;
  (void)timeouts;
  --in_flight;
  ++done_count;
  if (status == ARES_SUCCESS) {
    char text[INET6_ADDRSTRLEN] = "";
    int parsed;
    if (qtype == ns_t_a) {
      struct ares_addrttl addrs[16];
      int n = 16;
      parsed = ares_parse_a_reply(abuf, alen, NULL, addrs, &n);
      if (parsed == ARES_SUCCESS && n > 0) inet_ntop(AF_INET, &addrs[0].ipaddr, text, sizeof text);
    } else {
      struct ares_addr6ttl addrs[16];
      int n = 16;
      parsed = ares_parse_aaaa_reply(abuf, alen, NULL, addrs, &n);
      if (parsed == ARES_SUCCESS && n > 0) inet_ntop(AF_INET6, &addrs[0].ip6addr, text, sizeof text);
    }
    if (text[0] != '\0') {
      ++answered;
      printf("%s\t%s\n", j->name, text);
    } else {
      ++errors;
      printf("%s\tNODATA\n", j->name);
    }
  } else if (status == ARES_ENOTFOUND) {
    ++nxdomain;
    printf("%s\tNXDOMAIN\n", j->name);
  } else if (status != ARES_EDESTRUCTION) {
    ++errors;
    printf("%s\t%s\n", j->name, ares_strerror(status));
  }
  start_more();
}

static void start_more(void) {
  while (in_flight < concurrency && next_job < job_count) {
    struct job *j = &jobs[next_job++];
    ++in_flight;
    ares_query(channel, j->name, ns_c_in, qtype, on_answer, j);
  }
}

static int read_names(const char *path) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
  if (f == NULL) return -1;
  size_t capacity = 1024;
  jobs = malloc(capacity * sizeof *jobs);
  char line[1100];
  while (jobs != NULL && fgets(line, sizeof line, f) != NULL) {
    char *name = strtok(line, " \t\r\n");
    if (name == NULL || name[0] == '#' || name[0] == ';') continue;
    if (job_count == capacity) {
      capacity *= 2;
      struct job *grown = realloc(jobs, capacity * sizeof *jobs);
      if (grown == NULL) break;
      jobs = grown;
    }
    jobs[job_count++].name = strdup(name);
  }
  if (f != stdin) fclose(f);
  return jobs == NULL ? -1 : 0;
}

static void run_loop(void) {
  while (done_count < job_count) {
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    const int mask = ares_getsock(channel, socks, ARES_GETSOCK_MAXNUM);
    struct pollfd fds[ARES_GETSOCK_MAXNUM];
    nfds_t n = 0;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(mask, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(mask, i)) events |= POLLOUT;
      if (events == 0) continue;
      fds[n].fd = socks[i];
      fds[n].events = events;
      fds[n].revents = 0;
      ++n;
    }
    if (n == 0 && in_flight == 0) break;
    struct timeval tv;
    struct timeval *left = ares_timeout(channel, NULL, &tv);
    const int wait_ms = left == NULL ? 1000 : (int)(left->tv_sec * 1000 + left->tv_usec / 1000);
    const int ready = poll(fds, n, wait_ms);
    if (ready <= 0) {
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      continue;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      const ares_socket_t r = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) ? fds[i].fd : ARES_SOCKET_BAD;
      const ares_socket_t w = (fds[i].revents & POLLOUT) ? fds[i].fd : ARES_SOCKET_BAD;
      ares_process_fd(channel, r, w);
    }
  }
}

int main(int argc, char **argv) {
  const char *server = "127.0.0.1", *names = NULL;
  int port = 0, opt;
  while ((opt = getopt(argc, argv, "s:p:f:c:t:")) != -1) {
    switch (opt) {
      case 's': server = optarg; break;
      case 'p': port = atoi(optarg); break;
      case 'f': names = optarg; break;
      case 'c': concurrency = (size_t)strtoul(optarg, NULL, 10); break;
      case 't': qtype = strcmp(optarg, "AAAA") == 0 ? ns_t_aaaa : ns_t_a; break;
      default: goto usage;
    }
  }
  if (names == NULL || port <= 0 || port > 65535 || concurrency == 0) goto usage;
  if (read_names(names) != 0) {
    fprintf(stderr, "cares_bulk: cannot read %s\n", names);
    return 1;
  }
  if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) return 1;

  struct ares_options o;
  memset(&o, 0, sizeof o);
  o.flags = ARES_FLAG_STAYOPEN | ARES_FLAG_NOCHECKRESP;
  o.timeout = 5000;
  o.tries = 3;
  o.socket_receive_buffer_size = 4 << 20;
  o.lookups = (char *)"b";
  /* No resolv.conf: servers and search list come from here. */
  o.resolvconf_path = (char *)"/dev/null";
  o.ndomains = 0;
  const int optmask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_RCVBUF |
                      ARES_OPT_LOOKUPS | ARES_OPT_RESOLVCONF | ARES_OPT_DOMAINS;
  if (ares_init_options(&channel, &o, optmask) != ARES_SUCCESS) return 1;
  char csv[80];
  snprintf(csv, sizeof csv, "%s:%d", server, port);
  if (ares_set_servers_ports_csv(channel, csv) != ARES_SUCCESS) {
    fprintf(stderr, "cares_bulk: bad server %s\n", csv);
    return 1;
  }

  const double started = now_s();
  start_more();
  run_loop();
  const double wall = now_s() - started;
  fflush(stdout);
  fprintf(stderr, "names=%zu answered=%zu nxdomain=%zu errors=%zu wall_s=%.3f names_per_s=%.0f\n", job_count,
          answered, nxdomain, errors, wall, (double)job_count / wall);
  ares_destroy(channel);
  ares_library_cleanup();
  for (size_t i = 0; i < job_count; ++i) free(jobs[i].name);
  free(jobs);
  return 0;

usage:
  fprintf(stderr, "usage: cares_bulk -p PORT -f NAMES [-s ADDRESS] [-c CONCURRENCY] [-t A|AAAA]\n");
  return 2;
}
