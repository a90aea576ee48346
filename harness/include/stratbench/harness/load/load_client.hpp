// `stratbench load`'s client: sends a plan's requests to OpenAI-compatible endpoints
// (streaming completions) and times every token. It knows servers only through HTTP, so
// llama.cpp's llama-server is measured the same way as `stratbench serve`.
//   Open loop: each request leaves at its planned time on its own thread, whatever the
//   server is doing (no coordinated omission); how late each send was is recorded, so a
//   client that cannot keep up is visible rather than silently slowing the load.
//   Closed loop: `concurrency` users, each sending its next request when the last ends.
#pragma once

#include <string>
#include <vector>

#include "stratbench/harness/load/load_plan.hpp"

namespace sb::load {

struct Endpoint {
  std::string host;
  int port = 0;
};
// "http://HOST:PORT" (a trailing "/" allowed); InputError naming the flag otherwise.
Endpoint parse_endpoint(const std::string& url);

enum class Balance { round_robin, least_outstanding, power_of_two };
Balance parse_balance(const std::string& s);  // "rr", "least", "p2c"

struct ClientOptions {
  std::vector<Endpoint> endpoints;
  Balance balance = Balance::round_robin;
  int concurrency = 0;     // > 0: closed loop at this many users (planned times ignored)
  double timeout_s = 300;  // per request
  std::string model;       // sent as "model" (llama-server ignores it; some servers need it)
  std::uint64_t seed = 1;  // power-of-two choices
};

struct RequestRecord {
  double scheduled_s = 0, sent_s = 0, end_s = 0;  // from the run's start
  std::vector<double> token_s;                    // each token event's arrival
  int tokens_in = 0, tokens_out = 0;              // usage when the server sends it, else counted
  int status = 0;                                 // HTTP status; 0: no response
  std::string error;   // "" when fine; else "http_429", "http_4xx", "http_5xx", "connect", "stream"
  std::string detail;  // the server's error message (first 200 bytes), when there was one
  int endpoint = 0;
  int priority = 0;
  double first_token_s() const { return token_s.empty() ? -1 : token_s.front(); }
};

std::vector<RequestRecord> run_requests(const std::vector<PlannedRequest>& plan, const ClientOptions& o);

}  // namespace sb::load
