// reflector -- the floor for a UDP DNS server on this machine: it answers every datagram on
// ADDR:PORT with a reply of a fixed SIZE and does nothing else, with the cheapest Linux pattern
// for a busy socket: one thread, a blocking recvmmsg that returns as soon as one datagram is
// there (MSG_WAITFORONE) with whatever else is queued, then one sendmmsg for the whole batch.
// Two system calls per wake-up, no event loop, no DNS work beyond copying the question.
//
// Each reply is a well-formed DNS response of exactly SIZE bytes, so dnsperf counts it as
// answered and dig (which the bench scripts use to see that a server is up) accepts it: the
// query's header (ID, opcode, RD) with QR and AA set and rcode NOERROR, its question copied,
// and one TXT record owned by the question's name (a compression pointer, RFC 1035 §4.1.4)
// whose text pads the message to SIZE. A query too long for that gets its question back alone.
//
// Usage: reflector ADDR PORT [SIZE [BATCH [WORKERS]]]
//   SIZE default 188 bytes, BATCH default 32 (at most 1024), WORKERS default 1: with more, as
//   many processes, each with its own SO_REUSEPORT socket (as a multi-worker server has).
// Bench-only: IPv4, no EDNS, no TCP. It runs until a signal ends it (SIGTERM, SIGINT); the
// extra workers follow their parent (PR_SET_PDEATHSIG) and share its process group.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

enum { header_size = 12, max_batch = 1024, max_query = 4096, max_reply = 4096 };
// The fixed part of the padding record: owner 0xC00C (the question's name), type TXT (16),
// class IN, TTL 0; RDLENGTH follows.
static const unsigned char txt_record[] = {0xC0, 0x0C, 0x00, 0x10, 0x00, 0x01, 0, 0, 0, 0};

// The end of the question section of `q` (QDCOUNT 1), or 0 if it is not one well-formed question.
static size_t question_end(const unsigned char* q, size_t len) {
  size_t p = header_size;
  if (len < header_size || q[4] != 0 || q[5] != 1) return 0;
  while (p < len && q[p] != 0) {
    if ((q[p] & 0xC0) != 0) return 0;  // a pointer in a question: not worth following here
    p += 1u + q[p];
  }
  p += 1 + 4;  // root label, QTYPE, QCLASS
  return p <= len ? p : 0;
}

// Writes the reply to `q` into `r`; returns its size (0: nothing to answer).
static size_t make_reply(const unsigned char* q, size_t len, unsigned char* r, size_t size) {
  const size_t qend = question_end(q, len);
  if (qend == 0 || (q[2] & 0x80) != 0) return 0;  // not a single-question query
  memcpy(r, q, qend);
  r[2] = (unsigned char)(0x80 | (q[2] & 0x79) | 0x04);  // QR, opcode and RD kept, AA
  r[3] = 0;                                              // RA 0, rcode NOERROR
  memset(r + 6, 0, 6);                                   // AN, NS, AR counts 0 for now
  // TXT RDATA is a sequence of <length><bytes> strings of at most 255 bytes each.
  const size_t fixed = qend + sizeof txt_record + 2;
  if (size < fixed + 1) return qend;
  size_t rdlen = size - fixed;
  // A last string of length 0 is one lone length byte, which is fine; so every RDLENGTH works.
  r[7] = 1;  // ANCOUNT
  memcpy(r + qend, txt_record, sizeof txt_record);
  r[qend + sizeof txt_record] = (unsigned char)(rdlen >> 8);
  r[qend + sizeof txt_record + 1] = (unsigned char)(rdlen & 0xFF);
  unsigned char* p = r + fixed;
  while (rdlen > 0) {
    const size_t chunk = rdlen - 1 > 255 ? 255 : rdlen - 1;
    *p = (unsigned char)chunk;
    memset(p + 1, 'x', chunk);
    p += 1 + chunk;
    rdlen -= 1 + chunk;
  }
  return size;
}

int main(int argc, char** argv) {
  if (argc < 3 || argc > 6) {
    fprintf(stderr, "usage: %s ADDR PORT [SIZE [BATCH [WORKERS]]]\n", argv[0]);
    return 2;
  }
  struct sockaddr_in local = {.sin_family = AF_INET};
  if (inet_pton(AF_INET, argv[1], &local.sin_addr) != 1) {
    fprintf(stderr, "reflector: bad IPv4 address '%s'\n", argv[1]);
    return 2;
  }
  const long port = strtol(argv[2], NULL, 10);
  const long size = argc > 3 ? strtol(argv[3], NULL, 10) : 188;
  const long batch = argc > 4 ? strtol(argv[4], NULL, 10) : 32;
  const long workers = argc > 5 ? strtol(argv[5], NULL, 10) : 1;
  if (port <= 0 || port > 65535) {
    fprintf(stderr, "reflector: bad port '%s'\n", argv[2]);
    return 2;
  }
  if (size < header_size || size > max_reply) {
    fprintf(stderr, "reflector: SIZE must be %d..%d\n", header_size, max_reply);
    return 2;
  }
  if (batch < 1 || batch > max_batch) {
    fprintf(stderr, "reflector: BATCH must be 1..%d\n", max_batch);
    return 2;
  }
  if (workers < 1 || workers > 64) {
    fprintf(stderr, "reflector: WORKERS must be 1..64\n");
    return 2;
  }
  local.sin_port = htons((uint16_t)port);
  for (long w = 1; w < workers; ++w) {
    const pid_t child = fork();
    if (child < 0) {
      perror("reflector: fork");
      return 1;
    }
    if (child == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      break;
    }
  }

  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("reflector: socket");
    return 1;
  }
  // The same socket buffers as the name server asks for (4 MiB), so both queue alike.
  const int buffer = 4 * 1024 * 1024;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer) != 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  const int on = 1;
  if (workers > 1 && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
    perror("reflector: SO_REUSEPORT");
    return 1;
  }
  if (bind(fd, (const struct sockaddr*)&local, sizeof local) != 0) {
    perror("reflector: bind");
    return 1;
  }

  static struct mmsghdr in[max_batch], out[max_batch];
  static struct iovec in_iov[max_batch], out_iov[max_batch];
  static struct sockaddr_in peer[max_batch];
  static unsigned char query[max_batch][max_query];
  static unsigned char reply[max_batch][max_reply];
  for (long i = 0; i < batch; ++i) {
    in_iov[i] = (struct iovec){query[i], max_query};
    out_iov[i] = (struct iovec){reply[i], 0};
  }

  for (;;) {
    for (long i = 0; i < batch; ++i) {
      in[i].msg_hdr = (struct msghdr){
          .msg_name = &peer[i], .msg_namelen = sizeof peer[i], .msg_iov = &in_iov[i], .msg_iovlen = 1};
    }
    // Blocks until one datagram is there, then takes what else is queued without waiting.
    const int got = recvmmsg(fd, in, (unsigned)batch, MSG_WAITFORONE, NULL);
    if (got < 0) {
      if (errno == EINTR) continue;
      perror("reflector: recvmmsg");
      return 1;
    }
    unsigned count = 0;
    for (int i = 0; i < got; ++i) {
      const size_t n = make_reply(query[i], in[i].msg_len, reply[count], (size_t)size);
      if (n == 0) continue;
      out_iov[count].iov_len = n;
      out[count].msg_hdr = (struct msghdr){.msg_name = &peer[i],
                                           .msg_namelen = in[i].msg_hdr.msg_namelen,
                                           .msg_iov = &out_iov[count],
                                           .msg_iovlen = 1};
      ++count;
    }
    for (unsigned sent = 0; sent < count;) {
      const int n = sendmmsg(fd, out + sent, count - sent, 0);
      if (n > 0) {
        sent += (unsigned)n;
      } else if (errno != EINTR) {
        ++sent;  // this datagram cannot go: skip it, as a lost packet
      }
    }
  }
}
