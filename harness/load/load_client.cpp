#include "stratbench/harness/load/load_client.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "stratbench/result/errors.hpp"

namespace sb::load {
namespace {

using clock = std::chrono::steady_clock;

// The event stream's parser: whole events only, "\n\n" apart; "data: " lines carry JSON.
struct SseReader {
  std::string buf;
  RequestRecord* rec;
  clock::time_point t0;
  bool usage_seen = false;
  void feed(const char* d, std::size_t n) {
    buf.append(d, n);
    std::size_t at = 0;
    for (std::size_t end; (end = buf.find("\n\n", at)) != std::string::npos; at = end + 2)
      event(buf.substr(at, end - at));
    buf.erase(0, at);
  }
  void event(const std::string& ev) {
    if (ev.rfind("data: ", 0) != 0 || ev == "data: [DONE]") return;
    const double now = std::chrono::duration<double>(clock::now() - t0).count();
    const auto j = nlohmann::json::parse(ev.substr(6), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      rec->error = "stream";
      return;
    }
    if (j.contains("error")) {
      rec->error = "stream";
      rec->detail = j["error"].dump().substr(0, 200);
      return;
    }
    if (const auto u = j.find("usage"); u != j.end() && u->is_object()) {
      rec->tokens_in = u->value("prompt_tokens", 0);
      rec->tokens_out = u->value("completion_tokens", 0);
      usage_seen = true;
    }
    const auto ch = j.find("choices");
    if (ch == j.end() || !ch->is_array() || ch->empty()) return;
    const auto& c = (*ch)[0];
    std::string text;
    if (c.contains("text") && c["text"].is_string()) text = c["text"];
    if (c.contains("delta") && c["delta"].is_object() && c["delta"].contains("content") &&
        c["delta"]["content"].is_string())
      text = c["delta"]["content"];
    const bool finishing = c.contains("finish_reason") && !c["finish_reason"].is_null();
    // One event per token; the closing event carries a token only when it has text.
    if (!finishing || !text.empty()) rec->token_s.push_back(now);
  }
};

class Balancer {
 public:
  Balancer(const ClientOptions& o) : o_(o), outstanding_(o.endpoints.size()), rng_(o.seed) {
    for (auto& x : outstanding_) x = 0;
  }
  int take() {
    const int n = static_cast<int>(o_.endpoints.size());
    int e = 0;
    std::lock_guard<std::mutex> l(mu_);
    switch (o_.balance) {
      case Balance::round_robin: e = static_cast<int>(next_++ % static_cast<unsigned>(n)); break;
      case Balance::least_outstanding:
        for (int i = 1; i < n; ++i)
          if (outstanding_[i] < outstanding_[e]) e = i;
        break;
      case Balance::power_of_two: {
        std::uniform_int_distribution<int> d(0, n - 1);
        const int a = d(rng_), b = d(rng_);
        e = outstanding_[b] < outstanding_[a] ? b : a;
        break;
      }
    }
    ++outstanding_[e];
    return e;
  }
  void give(int e) { --outstanding_[e]; }

 private:
  const ClientOptions& o_;
  std::vector<std::atomic<int>> outstanding_;
  std::mutex mu_;
  unsigned next_ = 0;
  std::mt19937_64 rng_;
};

void send_one(const PlannedRequest& p, const ClientOptions& o, Balancer& bal, clock::time_point t0,
              RequestRecord& rec) {
  rec.endpoint = bal.take();
  const Endpoint& ep = o.endpoints[static_cast<std::size_t>(rec.endpoint)];
  httplib::Client cli(ep.host, ep.port);
  const auto secs = static_cast<time_t>(o.timeout_s);
  cli.set_read_timeout(secs, 0);
  cli.set_write_timeout(secs, 0);
  cli.set_connection_timeout(10, 0);
  nlohmann::json body{{"prompt", p.prompt},
                      {"max_tokens", p.max_tokens},
                      {"stream", true},
                      {"stream_options", {{"include_usage", true}}},
                      {"temperature", 0}};
  if (!o.model.empty()) body["model"] = o.model;
  if (p.priority != 0) body["priority"] = p.priority;
  rec.priority = p.priority;
  SseReader sse{{}, &rec, t0};
  std::string error_body;
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/completions";
  req.body = body.dump();
  req.set_header("Content-Type", "application/json");
  int status = 0;
  req.response_handler = [&](const httplib::Response& r) {
    status = r.status;
    return true;
  };
  req.content_receiver = [&](const char* d, std::size_t n, std::uint64_t, std::uint64_t) {
    if (status == 200)
      sse.feed(d, n);
    else
      error_body.append(d, n);
    return true;
  };
  rec.sent_s = std::chrono::duration<double>(clock::now() - t0).count();
  auto res = cli.send(req);
  rec.end_s = std::chrono::duration<double>(clock::now() - t0).count();
  bal.give(rec.endpoint);
  rec.status = res ? res->status : 0;
  if (!res) {
    rec.error = "connect";
  } else if (res->status == 429) {
    rec.error = "http_429";
  } else if (res->status >= 500) {
    rec.error = "http_5xx";
  } else if (res->status != 200) {
    rec.error = "http_4xx";
  }
  if (!rec.error.empty() && rec.detail.empty()) {
    const auto j = nlohmann::json::parse(error_body, nullptr, false);
    rec.detail = j.is_object() && j.contains("error") && j["error"].is_object() && j["error"].contains("message") &&
                         j["error"]["message"].is_string()
                     ? j["error"]["message"].get<std::string>()
                     : error_body.substr(0, 200);
    if (!res) rec.detail = httplib::to_string(res.error());
  }
  if (rec.error.empty() && !sse.usage_seen) rec.tokens_out = static_cast<int>(rec.token_s.size());
}

}  // namespace

Endpoint parse_endpoint(const std::string& url) {
  static const std::regex re(R"(http://([A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\]):([0-9]{1,5})/?)");
  std::smatch m;
  if (!std::regex_match(url, m, re) || std::stoi(m[2]) < 1 || std::stoi(m[2]) > 65535)
    throw InputError("--url: '" + url + "' is not http://HOST:PORT");
  return {m[1], std::stoi(m[2])};
}

Balance parse_balance(const std::string& s) {
  if (s == "rr") return Balance::round_robin;
  if (s == "least") return Balance::least_outstanding;
  if (s == "p2c") return Balance::power_of_two;
  throw InputError("--balance: '" + s + "' is not rr, least or p2c");
}

std::vector<RequestRecord> run_requests(const std::vector<PlannedRequest>& plan, const ClientOptions& o) {
  SB_CHECK(!o.endpoints.empty());
  std::vector<RequestRecord> recs(plan.size());
  Balancer bal(o);
  const auto t0 = clock::now();
  std::vector<std::thread> threads;
  if (o.concurrency > 0) {
    std::atomic<std::size_t> next{0};
    for (int u = 0; u < o.concurrency; ++u)
      threads.emplace_back([&] {
        for (std::size_t i; (i = next++) < plan.size();) {
          recs[i].scheduled_s = std::chrono::duration<double>(clock::now() - t0).count();
          send_one(plan[i], o, bal, t0, recs[i]);
        }
      });
  } else {
    threads.reserve(plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
      recs[i].scheduled_s = plan[i].at_s;
      std::this_thread::sleep_until(
          t0 + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(plan[i].at_s)));
      threads.emplace_back([&, i] { send_one(plan[i], o, bal, t0, recs[i]); });
    }
  }
  for (auto& t : threads) t.join();
  return recs;
}

}  // namespace sb::load
