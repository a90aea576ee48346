// The answer cache: in memory (LRU) and in a real redis-server started here on loopback. A
// repeated request is answered from the cache with the engine's tokens and no forward; two
// schedulers (replicas) share answers through redis; a redis that is not there is an
// error naming its address at start, and one lost later only costs misses.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "serve_test_util.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"
#include "stratbench/workloads/llm/model_config.hpp"
#include "stratbench/workloads/llm/synthetic_weights.hpp"
#include "stratbench/workloads/serve/scheduler.hpp"

namespace sb::serve {
namespace {

using namespace std::chrono_literals;
using test::collect;
using test::Fixture;

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A redis-server of its own on a free loopback port, without persistence.
class Redis {
 public:
  Redis() : port_(free_port()) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string port = std::to_string(port_);
      ::execl(REDIS_SERVER_BIN, REDIS_SERVER_BIN, "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "",
              "--appendonly", "no", "--loglevel", "warning", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 500; ++i) {  // until it answers
      try {
        RedisAnswerCache probe("127.0.0.1", port_, 60);
        return;
      } catch (const InputError&) {
        std::this_thread::sleep_for(10ms);
      }
    }
    ADD_FAILURE() << "redis-server (" << REDIS_SERVER_BIN << ") did not start on port " << port_;
  }
  ~Redis() { kill(); }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  int port() const { return port_; }

 private:
  int port_;
  pid_t pid_ = -1;
};

TEST(AnswerCache, MemoryKeepsTheMostRecentAnswers) {
  MemoryAnswerCache c(2);
  c.put("a", {{1, 2}, false});
  c.put("b", {{3}, true});
  ASSERT_TRUE(c.get("a"));  // a is now the most recent
  c.put("c", {{4}, false});
  EXPECT_FALSE(c.get("b"));
  EXPECT_EQ(c.get("a")->tokens, (std::vector<int>{1, 2}));
  EXPECT_TRUE(c.get("c")->tokens == std::vector<int>{4});
  EXPECT_NE(answer_key("m", {1, 2}, 3), answer_key("m", {1, 2}, 4));
  EXPECT_NE(answer_key("m", {1, 2}, 3), answer_key("n", {1, 2}, 3));
}

// One scheduler: the repeat is a hit with the same tokens and no forward; another
// max_tokens is another request.
void expect_repeats_hit(AnswerCache& cache, const llm::LlamaModel& m) {
  llm::Engine e(m, {}, 2, 64);
  SchedulerOptions o;
  o.sched = Sched::continuous;
  o.slots = 2;
  o.answers = &cache;
  o.answer_scope = "tiny";
  Scheduler s(e, o);
  const std::vector<int> first = collect(*s.submit({{5, 6, 7}, 9}));
  const std::uint64_t forwards = s.stats().forwards;
  Finish fin = Finish::none;
  EXPECT_EQ(collect(*s.submit({{5, 6, 7}, 9}), &fin), first);
  EXPECT_EQ(fin, Finish::length);
  EXPECT_EQ(s.stats().forwards, forwards);
  collect(*s.submit({{5, 6, 7}, 4}));
  const SchedulerStats st = s.stats();
  EXPECT_EQ(st.answer_hits, 1u);
  EXPECT_EQ(st.answer_misses, 2u);
  EXPECT_EQ(st.completed, 3u);
}

TEST(AnswerCache, ARepeatedRequestIsAnsweredFromMemoryWithoutAForward) {
  Fixture f;
  MemoryAnswerCache cache(100);
  expect_repeats_hit(cache, f.m);
}

TEST(AnswerCache, ARepeatedRequestIsAnsweredFromRedis) {
  Fixture f;
  Redis redis;
  RedisAnswerCache cache("127.0.0.1", redis.port(), 60);
  expect_repeats_hit(cache, f.m);
  EXPECT_EQ(cache.errors(), 0u);
}

TEST(AnswerCache, ReplicasShareAnswersThroughRedis) {
  Fixture f;
  Redis redis;
  auto cache_a = redis_answer_cache("127.0.0.1:" + std::to_string(redis.port()), 60);
  auto cache_b = redis_answer_cache("127.0.0.1:" + std::to_string(redis.port()), 60);
  llm::Engine ea(f.m, {}, 1, 64), eb(f.m, {}, 1, 64);
  SchedulerOptions o;
  o.slots = 1;
  o.answer_scope = "tiny";
  o.answers = cache_a.get();
  Scheduler a(ea, o);
  o.answers = cache_b.get();
  Scheduler b(eb, o);
  const std::vector<int> got = collect(*a.submit({{8, 9}, 6}));
  EXPECT_EQ(collect(*b.submit({{8, 9}, 6})), got);
  EXPECT_EQ(b.stats().answer_hits, 1u);
  EXPECT_EQ(b.stats().forwards, 0u);
}

TEST(AnswerCache, ARedisThatIsNotThereIsNamedAtStartAndALostOneOnlyMisses) {
  const int port = free_port();
  try {
    redis_answer_cache("127.0.0.1:" + std::to_string(port), 60);
    ADD_FAILURE() << "connected to nothing";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)), std::string::npos) << e.what();
  }
  EXPECT_THROW(redis_answer_cache("localhost", 60), InputError);
  EXPECT_THROW(redis_answer_cache("localhost:http", 60), InputError);
  Redis redis;
  RedisAnswerCache cache("127.0.0.1", redis.port(), 60);
  cache.put("k", {{1}, false});
  EXPECT_TRUE(cache.get("k"));
  redis.kill();
  EXPECT_FALSE(cache.get("k"));
  cache.put("k", {{1}, false});
  EXPECT_GE(cache.errors(), 2u);
}

}  // namespace
}  // namespace sb::serve
