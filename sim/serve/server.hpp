#pragma once
// `marketsim serve`: the workbench's API (workbench.hpp) and its page over HTTP (cpp-httplib).
#include <iosfwd>
#include <string>

#include "workbench.hpp"

namespace marketsim::serve {

struct ServerOptions : Options {
    std::string host = "127.0.0.1";  ///< where to listen: loopback only unless asked
    int port = 8080;                 ///< 0: a free port
};

/** Listens, prints "serving DIR at http://HOST:PORT/" on `out` (flushed at once; PORT is the bound
 *  port) and serves until SIGINT or SIGTERM (interrupt.hpp), then returns. Throws InputError when
 *  the folder is not one or the address cannot be bound. */
void serve(const ServerOptions& options, std::ostream& out);

}  // namespace marketsim::serve
