// `stratbench serve`'s HTTP side: cpp-httplib (Debian's libcpp-httplib-dev; chosen over
// Boost.Beast because its server, thread pool, chunked responses, payload limit and
// timeouts are what an OpenAI-style endpoint needs, in one maintained header, where Beast
// leaves connection handling and threading to the caller).
//   POST /v1/completions, /v1/chat/completions   OpenAI-compatible (api.hpp); "stream": true
//                                                sends one server-sent event per token
//   GET  /health                                 200 {"status":"ok"}, 503 while stopping
//   GET  /metrics                                Prometheus text (metrics.hpp)
// Errors: 400 naming the field, 413 over the body limit, 429 with Retry-After when the queue
// is full, 503 while stopping. A streaming client that disconnects has its request
// cancelled, and the scheduler frees its slot at the next step.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stratbench/workloads/serve/scheduler.hpp"

namespace sb::serve {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                 // 0: any free port (see HttpServer::port)
  std::size_t max_body = 1 << 20;  // bytes; more is 413
  int read_timeout_s = 10;         // a client slower than this to send its request is dropped
  int write_timeout_s = 10;
  int threads = 0;                        // connection threads (one per open connection); 0: 128
  std::string model_name = "stratbench";  // echoed in responses
};

struct Vocabulary {
  // Text to ids (null: the model has no vocabulary, only token-id prompts are served).
  std::function<std::vector<int>(std::string_view)> encode;
  // One id's bytes (null: ids are sent as "<id>" text).
  std::function<std::string(int)> piece;
  int size = 0;
};

class HttpServer {
 public:
  HttpServer(Scheduler& s, Vocabulary v, HttpOptions o);
  ~HttpServer();
  // Binds (InputError naming host:port when it cannot) and returns the port.
  int bind();
  // Serves until stop(); returns after the connection threads have finished.
  void listen();
  // /health answers 503 from now on (new completions get 503 from the draining scheduler).
  void begin_drain();
  // Completions being answered (their responses not yet fully written).
  int open_exchanges() const;
  // Close the listening socket and end the connections: a response still streaming is cut
  // (httplib ends chunked responses on stop), so drain first.
  void stop();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace sb::serve
