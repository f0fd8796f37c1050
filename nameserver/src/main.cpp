// nameserver: the authoritative DNS server (DESIGN.md §4).
#include <cstdio>

int main() {
  std::fputs("nameserver: not ready yet\n", stderr);
  return 1;
}
