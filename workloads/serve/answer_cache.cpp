#include "stratbench/workloads/serve/answer_cache.hpp"

#include <hiredis/hiredis.h>

#include <cstring>

#include "stratbench/result/errors.hpp"

namespace sb::serve {

std::string answer_key(const std::string& scope, const std::vector<int>& prompt, int max_tokens) {
  // "stratbench:answer:" scope NUL max_tokens prompt-ids, the integers as raw bytes: exact,
  // so two requests share a key only when they are the same request.
  std::string k = "stratbench:answer:" + scope;
  k.push_back('\0');
  k.append(reinterpret_cast<const char*>(&max_tokens), sizeof max_tokens);
  k.append(reinterpret_cast<const char*>(prompt.data()), prompt.size() * sizeof(int));
  return k;
}

namespace {

std::string encode(const Answer& a) {
  std::string v(1, a.stopped ? 's' : 'l');
  v.append(reinterpret_cast<const char*>(a.tokens.data()), a.tokens.size() * sizeof(int));
  return v;
}

std::optional<Answer> decode(const char* p, std::size_t n) {
  if (n < 1 || (n - 1) % sizeof(int) != 0 || (p[0] != 's' && p[0] != 'l')) return std::nullopt;
  Answer a;
  a.stopped = p[0] == 's';
  a.tokens.resize((n - 1) / sizeof(int));
  std::memcpy(a.tokens.data(), p + 1, n - 1);
  return a;
}

}  // namespace

std::optional<Answer> MemoryAnswerCache::get(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = map_.find(key);
  if (it == map_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void MemoryAnswerCache::put(const std::string& key, const Answer& a) {
  std::lock_guard<std::mutex> l(mu_);
  if (auto it = map_.find(key); it != map_.end()) {
    it->second->second = a;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(key, a);
  map_[key] = lru_.begin();
  while (lru_.size() > cap_) {
    map_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

struct RedisAnswerCache::Conn {
  redisContext* ctx = nullptr;
  ~Conn() {
    if (ctx) redisFree(ctx);
  }
};

RedisAnswerCache::RedisAnswerCache(const std::string& host, int port, int ttl_s)
    : c_(std::make_unique<Conn>()), ttl_s_(ttl_s) {
  const std::string where = "redis-server at " + host + ":" + std::to_string(port);
  const timeval timeout{2, 0};
  c_->ctx = redisConnectWithTimeout(host.c_str(), port, timeout);
  if (!c_->ctx || c_->ctx->err)
    throw InputError("--redis: cannot connect to " + where + (c_->ctx ? std::string(": ") + c_->ctx->errstr : ""));
  redisSetTimeout(c_->ctx, timeout);
  auto* r = static_cast<redisReply*>(redisCommand(c_->ctx, "PING"));
  const bool ok = r && r->type == REDIS_REPLY_STATUS && std::string(r->str, r->len) == "PONG";
  if (r) freeReplyObject(r);
  if (!ok) throw InputError("--redis: " + where + " did not answer PING");
}

RedisAnswerCache::~RedisAnswerCache() = default;

std::optional<Answer> RedisAnswerCache::get(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  auto* r = static_cast<redisReply*>(redisCommand(c_->ctx, "GET %b", key.data(), key.size()));
  std::optional<Answer> a;
  if (r && r->type == REDIS_REPLY_STRING) a = decode(r->str, r->len);
  // No reply (a lost server) or anything but a string or nil is an error; nil a miss.
  if (!r || (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_NIL)) ++errors_;
  if (r) freeReplyObject(r);
  return a;
}

void RedisAnswerCache::put(const std::string& key, const Answer& a) {
  const std::string v = encode(a);
  std::lock_guard<std::mutex> l(mu_);
  auto* r = static_cast<redisReply*>(
      redisCommand(c_->ctx, "SET %b %b EX %d", key.data(), key.size(), v.data(), v.size(), ttl_s_));
  if (!r || r->type == REDIS_REPLY_ERROR) ++errors_;
  if (r) freeReplyObject(r);
}

std::uint64_t RedisAnswerCache::errors() const {
  std::lock_guard<std::mutex> l(mu_);
  return errors_;
}

std::unique_ptr<AnswerCache> redis_answer_cache(const std::string& address, int ttl_s) {
  const auto colon = address.rfind(':');
  int port = 0;
  try {
    if (colon == std::string::npos || colon == 0) throw std::invalid_argument("no port");
    std::size_t used = 0;
    port = std::stoi(address.substr(colon + 1), &used);
    if (used != address.size() - colon - 1 || port < 1 || port > 65535) throw std::invalid_argument("port");
  } catch (const std::exception&) {
    throw InputError("--redis: '" + address + "' is not HOST:PORT");
  }
  return std::make_unique<RedisAnswerCache>(address.substr(0, colon), port, ttl_s);
}

}  // namespace sb::serve
