#pragma once

#include "benchreport.h"

namespace foresight::bench {

// `foresight-bench simnet`: what sim::SimulatedNetwork's forwarding costs (the demo and training
// cluster's every agent<->agent and console<->agent stream goes through it). Plain POSIX sockets:
// a server on 127.0.0.1 and a client connecting from a simulated host's address (127.0.0.11),
// either straight to the server (the baseline: loopback TCP, no network) or to a front of the
// network on another host (127.0.0.12) that forwards to the server, over a link of latency 0 and,
// as a case of its own without a baseline, over the default 0.3 ms link. Figures: 64-byte
// ping-pong round trip p50/p99 and the CPU time per round trip, for options.durationMs after
// options.warmupMs per case (or exactly options.rounds round trips); bulk throughput of 64 MiB
// one way (16 MiB with --quick, three transfers, the median) and the CPU time per MiB, of the
// whole process and of the network's thread alone. Returns 0 when every forwarded case ran, 1
// otherwise (the output says why).
int runSimnetBench(const BenchOptions &options);

} // namespace foresight::bench
