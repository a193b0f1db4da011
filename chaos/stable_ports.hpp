#pragma once

#include <vector>

namespace boxoffice::chaos {

// `count` distinct TCP ports of 127.0.0.1 nobody listens on right now, below the OS's
// ephemeral range: a port bind(0) chose could be given to an outgoing connection (a database
// client, another test) while its node is down, and the node could not listen on it again.
// Local clusters (the chaos tool, tests/cluster) restart nodes on the same addresses.
std::vector<int> pick_stable_ports(int count);

}  // namespace boxoffice::chaos
