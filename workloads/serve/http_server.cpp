#include "stratbench/workloads/serve/http_server.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <ctime>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/serve/api.hpp"
#include "stratbench/workloads/serve/metrics.hpp"

namespace sb::serve {
namespace {

using clock = std::chrono::steady_clock;

double seconds_since(clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); }

void send_error(httplib::Response& res, const ApiError& e) {
  res.status = e.status;
  res.set_content(error_body(e), "application/json");
}

// What one completion needs while it is answered, shared with the chunked provider.
struct Exchange {
  Endpoint ep = Endpoint::completions;
  std::shared_ptr<Stream> stream;
  std::string id, model;
  std::int64_t created = 0;
  int prompt_tokens = 0, completion_tokens = 0;
  bool include_usage = false, finished = false;
  clock::time_point arrived, first_token, last_token;
  Utf8Joiner text;
  clock::time_point last_write;
};

}  // namespace

struct HttpServer::Impl {
  Scheduler& sched;
  Vocabulary vocab;
  HttpOptions opt;
  httplib::Server svr;
  ServerMetrics metrics;
  std::atomic<std::uint64_t> next_id{1};
  std::atomic<bool> stopping{false};
  std::atomic<int> open_exchanges{0};
  clock::time_point started = clock::now();

  Impl(Scheduler& s, Vocabulary v, HttpOptions o) : sched(s), vocab(std::move(v)), opt(std::move(o)) {}

  std::string piece(int id) const { return vocab.piece ? vocab.piece(id) : "<" + std::to_string(id) + ">"; }

  void record_end(const Exchange& x) {
    if (x.completion_tokens == 0) return;
    metrics.e2e.observe(std::chrono::duration<double>(x.last_token - x.arrived).count());
    if (x.completion_tokens > 1)
      metrics.tpot.observe(std::chrono::duration<double>(x.last_token - x.first_token).count() /
                           (x.completion_tokens - 1));
  }

  void take(Exchange& x, const Stream::Update& u) {
    if (!u.tokens.empty()) {
      const auto now = clock::now();
      if (x.completion_tokens == 0) {
        x.first_token = now;
        metrics.ttft.observe(std::chrono::duration<double>(now - x.arrived).count());
      }
      x.last_token = now;
    }
    x.completion_tokens += static_cast<int>(u.tokens.size());
  }

  void completion(const httplib::Request& req, httplib::Response& res, Endpoint ep) {
    const auto arrived = clock::now();
    ApiRequest a;
    ApiLimits lim{sched.context(), vocab.size, 0};
    auto encode = [&](std::string_view text) -> std::vector<int> {
      if (!vocab.encode)
        throw ApiError{400, "this model has no vocabulary: send the prompt as an array of token ids", "prompt"};
      return vocab.encode(text);
    };
    try {
      a = parse_request(req.body, ep, lim, encode);
    } catch (const ApiError& e) {
      std::lock_guard<std::mutex> l(metrics.mu);
      ++metrics.bad_requests;
      send_error(res, e);
      return;
    }
    auto x = std::make_shared<Exchange>();
    x->ep = ep;
    x->arrived = arrived;
    x->id = (ep == Endpoint::chat ? "chatcmpl-" : "cmpl-") + std::to_string(next_id++);
    x->model = a.model.empty() ? opt.model_name : a.model;
    x->created = static_cast<std::int64_t>(std::time(nullptr));
    x->prompt_tokens = static_cast<int>(a.prompt.size());
    x->include_usage = a.include_usage;
    x->stream = sched.submit({std::move(a.prompt), a.max_tokens, a.priority});
    if (!x->stream) {
      if (stopping) return send_error(res, {503, "the server is stopping", ""});
      res.set_header("Retry-After", "1");
      return send_error(res, {429, "the request queue is full; retry later", ""});
    }
    if (!a.stream) {
      ++open_exchanges;
      answer_whole(*x, res);
      --open_exchanges;
      return;
    }
    ++open_exchanges;
    x->last_write = clock::now();
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream", [this, x](std::size_t, httplib::DataSink& sink) { return stream_some(*x, sink); },
        [this, x](bool success) {
          // A client gone mid-stream: its slot is freed at the scheduler's next step.
          if (!success || !x->finished) x->stream->cancel();
          record_end(*x);
          --open_exchanges;
        });
  }

  void answer_whole(Exchange& x, httplib::Response& res) {
    std::string text;
    Stream::Update u;
    do {
      u = x.stream->wait(std::chrono::milliseconds(1000));
      take(x, u);
      for (int t : u.tokens) text += x.text.add(piece(t));
    } while (!u.done);
    text += x.text.flush();
    x.finished = true;
    record_end(x);
    if (u.finish == Finish::error) return send_error(res, {500, "generation failed: " + u.error, ""});
    if (u.finish == Finish::cancelled) return send_error(res, {503, "cancelled: " + u.error, ""});
    res.set_content(completion_body(x.ep, x.id, x.model, x.created, text, to_string(u.finish), x.prompt_tokens,
                                    x.completion_tokens),
                    "application/json");
  }

  // One provider call: the tokens that arrived (one event each), or a comment line after a
  // second of silence, so that a client gone while its request waits is noticed.
  bool stream_some(Exchange& x, httplib::DataSink& sink) {
    const Stream::Update u = x.stream->wait(std::chrono::milliseconds(250));
    take(x, u);
    std::string out;
    for (int t : u.tokens) out += stream_event(x.ep, x.id, x.model, x.created, x.text.add(piece(t)), nullptr);
    if (u.done) {
      const std::string tail = x.text.flush();
      if (u.finish == Finish::error || u.finish == Finish::cancelled) {
        out +=
            "data: " +
            error_body({u.finish == Finish::error ? 500 : 503, std::string(to_string(u.finish)) + ": " + u.error, ""}) +
            "\n\n";
      } else {
        out += stream_event(x.ep, x.id, x.model, x.created, tail, to_string(u.finish));
        if (x.include_usage) out += usage_event(x.ep, x.id, x.model, x.created, x.prompt_tokens, x.completion_tokens);
      }
      out += "data: [DONE]\n\n";
    } else if (out.empty() && seconds_since(x.last_write) >= 1.0) {
      out = ": waiting\n\n";
    }
    if (!out.empty()) {
      if (!sink.write(out.data(), out.size())) {
        x.stream->cancel();
        return false;
      }
      x.last_write = clock::now();
    }
    if (u.done) {
      x.finished = true;
      sink.done();
    }
    return true;
  }
};

HttpServer::HttpServer(Scheduler& s, Vocabulary v, HttpOptions o)
    : impl_(std::make_unique<Impl>(s, std::move(v), std::move(o))) {
  Impl& m = *impl_;
  httplib::Server& svr = m.svr;
  const int threads = m.opt.threads > 0 ? m.opt.threads : 128;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  svr.set_payload_max_length(m.opt.max_body);
  svr.set_read_timeout(m.opt.read_timeout_s, 0);
  svr.set_write_timeout(m.opt.write_timeout_s, 0);
  svr.Post("/v1/completions",
           [&m](const httplib::Request& q, httplib::Response& r) { m.completion(q, r, Endpoint::completions); });
  svr.Post("/v1/chat/completions",
           [&m](const httplib::Request& q, httplib::Response& r) { m.completion(q, r, Endpoint::chat); });
  svr.Get("/health", [&m](const httplib::Request&, httplib::Response& r) {
    if (m.stopping) return send_error(r, {503, "the server is stopping", ""});
    r.set_content("{\"status\":\"ok\"}", "application/json");
  });
  svr.Get("/metrics", [&m](const httplib::Request&, httplib::Response& r) {
    r.set_content(prometheus_text(m.sched.stats(), m.metrics, seconds_since(m.started)), "text/plain; version=0.0.4");
  });
  // httplib answers a body over the limit with 413 and an empty body, and unknown paths with
  // 404: give them an OpenAI-style error body too.
  svr.set_error_handler([&m](const httplib::Request& q, httplib::Response& r) {
    if (!r.body.empty()) return;
    if (r.status == 413) {
      std::lock_guard<std::mutex> l(m.metrics.mu);
      ++m.metrics.too_large;
    }
    const std::string what = r.status == 413
                                 ? "the request body is over the limit of " + std::to_string(m.opt.max_body) + " bytes"
                             : r.status == 404 ? "no such endpoint: " + q.method + " " + q.path
                                               : std::string("HTTP ") + std::to_string(r.status);
    send_error(r, {r.status, what, ""});
  });
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& r, const std::exception_ptr& ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    send_error(r, {500, what, ""});
  });
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::bind() {
  Impl& m = *impl_;
  if (m.opt.port == 0) {
    port_ = m.svr.bind_to_any_port(m.opt.host);
  } else {
    port_ = m.svr.bind_to_port(m.opt.host, m.opt.port) ? m.opt.port : -1;
  }
  if (port_ < 0)
    throw InputError("serve: cannot listen on " + m.opt.host + ":" + std::to_string(m.opt.port) +
                     " (address in use, or not an address of this machine)");
  return port_;
}

void HttpServer::listen() { impl_->svr.listen_after_bind(); }

void HttpServer::begin_drain() { impl_->stopping = true; }

int HttpServer::open_exchanges() const { return impl_->open_exchanges; }

void HttpServer::stop() {
  impl_->stopping = true;
  impl_->svr.stop();
}

}  // namespace sb::serve
