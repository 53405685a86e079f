// The web server's listening socket, opened by streamprobe itself: a port in
// use is reported in the words of the system ("address already in use"), and
// the socket outlives a restart of the HTTP daemon on reload (new TLS
// credentials), so no scrape ever finds the port closed.
#pragma once

#include <string>

#include "core/status.h"

namespace streamprobe {

// Binds and listens on `address` (":9101" and "9101" are every IPv4 address,
// "127.0.0.1:9101", "[::1]:9101"). Returns the descriptor (close-on-exec), or
// fails with the system's reason, e.g. "cannot listen on :9101: address
// already in use". The caller owns the descriptor.
Result<int> OpenListenSocket(const std::string& address);

}  // namespace streamprobe
