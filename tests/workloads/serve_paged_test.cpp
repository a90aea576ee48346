// The scheduler over a paged KV pool: a pool too small for every request at once still
// gives each its solo tokens (preempting and resuming), every block comes back after
// completion and cancellation, and the prefix cache shares a prompt's blocks, saves their
// forwards, and gives them up when the pool needs them.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "serve_test_util.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"
#include "stratbench/workloads/llm/model_config.hpp"
#include "stratbench/workloads/llm/synthetic_weights.hpp"
#include "stratbench/workloads/serve/scheduler.hpp"

namespace sb::serve {
namespace {

using namespace std::chrono_literals;
using test::alone;
using test::collect;
using test::Fixture;
using test::with_slots;

// Four slots over 10 blocks of 4 positions: the requests below want 5 to 7 blocks each by
// their end, so decodes run the pool dry and the scheduler preempts.
class PagedPolicies : public ::testing::TestWithParam<Sched> {};

TEST_P(PagedPolicies, APoolTooSmallForAllStillGivesEveryRequestItsSoloTokens) {
  Fixture f;
  const std::vector<std::vector<int>> prompts = {
      {5, 6, 7}, {9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}, {30}, {40, 41, 42, 43, 44, 45, 46}, {50, 51}};
  const std::vector<int> lens = {18, 9, 20, 12, 17};
  llm::Engine e(f.m, {}, llm::KvCache(f.c, 4, 64, 4, 10));
  SchedulerOptions o;
  o.sched = GetParam();
  o.slots = 4;
  o.prefill_chunk = 5;
  Scheduler s(e, o);
  std::vector<std::shared_ptr<Stream>> streams;
  for (std::size_t i = 0; i < prompts.size(); ++i) streams.push_back(s.submit({prompts[i], lens[i]}));
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    ASSERT_NE(streams[i], nullptr);
    Finish fin = Finish::none;
    EXPECT_EQ(collect(*streams[i], &fin), alone(f.m, prompts[i], lens[i])) << "request " << i;
    EXPECT_EQ(fin, Finish::length);
  }
  const SchedulerStats st = s.stats();
  EXPECT_EQ(st.completed, prompts.size());
  EXPECT_EQ(st.kv_blocks_used, 0);  // every block back in the pool
  EXPECT_EQ(e.cache().free_blocks(), 10);
  if (GetParam() != Sched::fcfs) {
    EXPECT_GE(st.preemptions, 1u) << "the pool never ran dry: the test tests nothing";
  }
}

INSTANTIATE_TEST_SUITE_P(Sched, PagedPolicies,
                         ::testing::Values(Sched::fcfs, Sched::static_batch, Sched::continuous, Sched::priority));

// Utilisation (live positions over held positions, summed over forwards): a contiguous slot
// holds the whole context of 64 for requests of at most 23 positions; paged blocks of 4
// waste at most 3 positions each.
TEST(PagedScheduler, PagedBlocksHoldFarLessIdleMemoryThanContiguousSlots) {
  Fixture f;
  auto utilisation = [&](llm::KvCache kv) {
    llm::Engine e(f.m, {}, std::move(kv));
    SchedulerOptions o;
    o.sched = Sched::continuous;
    o.slots = 3;
    Scheduler s(e, o);
    std::vector<std::shared_ptr<Stream>> v;
    for (int i = 0; i < 6; ++i) v.push_back(s.submit({{5 + i, 6, 7, 8, 9}, 8 + 2 * i}));
    for (auto& x : v) collect(*x);
    const SchedulerStats st = s.stats();
    return st.kv_live_position_steps / st.kv_held_position_steps;
  };
  const double contiguous = utilisation(llm::KvCache(f.c, 3, 64));
  const double paged = utilisation(llm::KvCache(f.c, 3, 64, 4, 48));
  EXPECT_LT(contiguous, 0.35);
  EXPECT_GT(paged, 0.75);
}

TEST(PagedScheduler, ACancelledRequestGivesItsBlocksBackAtOnce) {
  Fixture f;
  llm::Engine e(f.m, {}, llm::KvCache(f.c, 2, 64, 4, 16));
  SchedulerOptions o;
  o.sched = Sched::continuous;
  o.slots = 2;
  Scheduler s(e, o);
  auto a = s.submit({{5, 6, 7, 8, 9}, 50});
  ASSERT_TRUE(a);
  ASSERT_FALSE(a->wait(5000ms).tokens.empty());
  EXPECT_GE(s.stats().kv_blocks_used, 2);
  a->cancel();
  Finish fin = Finish::none;
  collect(*a, &fin);
  EXPECT_EQ(fin, Finish::cancelled);
  EXPECT_EQ(s.stats().kv_blocks_used, 0);
}

TEST(PagedScheduler, RefusesARequestTheWholePoolCannotHold) {
  Fixture f;
  llm::Engine e(f.m, {}, llm::KvCache(f.c, 2, 64, 4, 5));
  Scheduler s(e, with_slots(2));
  try {
    s.submit({{1, 2, 3, 4, 5}, 16});  // 21 positions: 6 blocks
    ADD_FAILURE() << "a request larger than the pool was accepted";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("KV pool's 5 blocks"), std::string::npos) << err.what();
  }
  Finish fin = Finish::none;
  collect(*s.submit({{1, 2, 3, 4, 5}, 15}), &fin);  // 20 positions fit exactly
  EXPECT_EQ(fin, Finish::length);
}

TEST(PagedScheduler, ThePrefixCacheNeedsAPagedPool) {
  Fixture f;
  llm::Engine e(f.m, {}, 2, 64);
  SchedulerOptions o = with_slots(2);
  o.prefix_cache = true;
  EXPECT_THROW(Scheduler(e, o), InputError);
}

TEST(PagedScheduler, APromptSharingACachedPrefixFeedsOnlyItsRestAndGetsItsSoloTokens) {
  Fixture f;
  llm::Engine e(f.m, {}, llm::KvCache(f.c, 2, 64, 4, 12));
  SchedulerOptions o;
  o.sched = Sched::continuous;
  o.slots = 2;
  o.prefix_cache = true;
  Scheduler s(e, o);
  std::vector<int> first = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 20, 21};  // 3 full blocks of prefix
  std::vector<int> second = first;
  second.resize(12);
  second.insert(second.end(), {30, 31, 32});
  EXPECT_EQ(collect(*s.submit({first, 5})), alone(f.m, first, 5));
  const std::uint64_t forwards = s.stats().forwards;
  EXPECT_EQ(collect(*s.submit({second, 5})), alone(f.m, second, 5));
  SchedulerStats st = s.stats();
  EXPECT_EQ(st.prefix_hit_blocks, 3u);
  EXPECT_EQ(st.kv_blocks_cached, 3);      // the second's own full block (12..15) is generated text, not cached
  EXPECT_EQ(st.kv_blocks_used, 3);        // only the cache holds blocks now
  EXPECT_EQ(st.forwards - forwards, 5u);  // its 3 new prompt tokens in one forward, then 4 decodes
  // A request wanting the whole pool makes the cache give its blocks up.
  Finish fin = Finish::none;
  collect(*s.submit({{50, 51, 52, 53}, 44}), &fin);
  EXPECT_EQ(fin, Finish::length);
  st = s.stats();
  EXPECT_EQ(st.prefix_evictions, 3u);
  EXPECT_EQ(st.kv_blocks_cached, 1);  // its own prompt's full block
}

}  // namespace
}  // namespace sb::serve
