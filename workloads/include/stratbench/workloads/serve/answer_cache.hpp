// The server's answer cache (answer_cache=memory|redis): a request identical to an earlier
// one (same model and engine strategy, same prompt tokens, same max_tokens) gets the
// earlier answer without touching the engine. Decoding is greedy and a request's tokens do
// not depend on what it was batched with (serve_scheduler_test checks that), so the
// cached answer is the answer. The model and strategy are part of every key: replicas of
// different strategies can share one redis-server without mixing their answers.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sb::serve {

struct Answer {
  std::vector<int> tokens;
  bool stopped = false;  // ended on a stop token (finish "stop"), else on max_tokens ("length")
};

// The cache key of a request; `scope` names the model and the engine strategy.
std::string answer_key(const std::string& scope, const std::vector<int>& prompt, int max_tokens);

class AnswerCache {
 public:
  virtual ~AnswerCache() = default;
  // Called from any thread.
  virtual std::optional<Answer> get(const std::string& key) = 0;
  virtual void put(const std::string& key, const Answer& a) = 0;
  virtual const char* kind() const = 0;
};

// In process: at most `entries` answers, least recently used out first.
class MemoryAnswerCache : public AnswerCache {
 public:
  explicit MemoryAnswerCache(std::size_t entries) : cap_(entries) {}
  std::optional<Answer> get(const std::string& key) override;
  void put(const std::string& key, const Answer& a) override;
  const char* kind() const override { return "memory"; }

 private:
  std::mutex mu_;
  std::size_t cap_;
  std::list<std::pair<std::string, Answer>> lru_;  // most recent first
  std::unordered_map<std::string, std::list<std::pair<std::string, Answer>>::iterator> map_;
};

// A redis-server through hiredis: GET and SET with an expiry, one connection behind a
// mutex (a loopback round trip is tens of microseconds, a forward tens of milliseconds).
// The constructor connects and PINGs; InputError naming the address when it cannot. A
// server lost later makes get() a miss and put() a no-op, counted in errors().
class RedisAnswerCache : public AnswerCache {
 public:
  RedisAnswerCache(const std::string& host, int port, int ttl_s);
  ~RedisAnswerCache() override;
  std::optional<Answer> get(const std::string& key) override;
  void put(const std::string& key, const Answer& a) override;
  const char* kind() const override { return "redis"; }
  std::uint64_t errors() const;

 private:
  struct Conn;
  mutable std::mutex mu_;
  std::unique_ptr<Conn> c_;
  int ttl_s_;
  std::uint64_t errors_ = 0;
};

// "HOST:PORT" → cache; InputError naming --redis for a bad spelling.
std::unique_ptr<AnswerCache> redis_answer_cache(const std::string& address, int ttl_s);

}  // namespace sb::serve
