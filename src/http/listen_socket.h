// Telling why the listen address cannot be used, in the words of the system
// ("address already in use"), before the web server starts: civetweb only says
// "null context when constructing CivetServer".
#pragma once

#include <string>

#include "core/status.h"

namespace streamprobe {

// Binds and releases a TCP socket on `address` (":9101", "9101",
// "127.0.0.1:9101", "[::1]:9101"). Fails with the system's reason, e.g.
// "cannot listen on :9101: address already in use". Does not listen.
Status CheckCanListen(const std::string& address);

}  // namespace streamprobe
