// The QA server's scheduler over a real engine (tiny, fp32): every policy gives each request
// the tokens greedy generation gives it alone; slots come back after completion and
// cancellation; the queue bound, the context check, drain and stop.
#include <gtest/gtest.h>

#include <chrono>

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

class SchedulerPolicies : public ::testing::TestWithParam<Sched> {};

TEST_P(SchedulerPolicies, EveryRequestGetsTheTokensItGetsAlone) {
  Fixture f;
  // Lengths that make the continuous policy chunk prompts (chunk 5) across forwards and
  // requests join and leave at different steps.
  const std::vector<std::vector<int>> prompts = {
      {5, 6, 7}, {9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}, {30}, {40, 41, 42, 43, 44, 45, 46}, {50, 51}};
  const std::vector<int> lens = {4, 9, 6, 1, 7};
  llm::Engine e(f.m, {}, 3, 64);
  SchedulerOptions o;
  o.sched = GetParam();
  o.slots = 3;
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
  EXPECT_EQ(st.slots_used, 0);
  EXPECT_EQ(st.slot_frees, prompts.size());
  EXPECT_EQ(st.generated_tokens, 27u);
}

const char* sched_name(Sched s) {
  switch (s) {
    case Sched::fcfs: return "fcfs";
    case Sched::static_batch: return "static";
    case Sched::continuous: return "continuous";
    case Sched::priority: return "priority";
  }
  return "?";
}

INSTANTIATE_TEST_SUITE_P(Sched, SchedulerPolicies,
                         ::testing::Values(Sched::fcfs, Sched::static_batch, Sched::continuous, Sched::priority),
                         [](const auto& i) { return std::string(sched_name(i.param)); });

TEST(Scheduler, AHighPriorityRequestPreemptsALowOneWhoseStreamStillGetsItsSoloTokens) {
  Fixture f;
  llm::Engine e(f.m, {}, 1, 64);
  SchedulerOptions o;
  o.sched = Sched::priority;
  o.slots = 1;
  Scheduler s(e, o);
  auto low = s.submit({{5, 6, 7}, 60, 0});
  ASSERT_TRUE(low);
  const Stream::Update first = low->wait(5000ms);  // low holds the only slot
  ASSERT_FALSE(first.tokens.empty());
  auto waiting_low = s.submit({{9, 9}, 3, 0});  // the same level: waits its turn
  auto high = s.submit({{11, 12}, 4, 5});
  const Stream::Update mid = low->wait(0ms);  // low was still running when high arrived?
  Finish fh = Finish::none, fl = Finish::none, fw = Finish::none;
  EXPECT_EQ(collect(*high, &fh), alone(f.m, {11, 12}, 4));
  std::vector<int> got = first.tokens;
  got.insert(got.end(), mid.tokens.begin(), mid.tokens.end());
  const std::vector<int> rest = mid.done ? std::vector<int>{} : collect(*low, &fl);
  got.insert(got.end(), rest.begin(), rest.end());
  // Preempted, recomputed from its prompt and its tokens so far, continued: the same tokens.
  EXPECT_EQ(got, alone(f.m, {5, 6, 7}, 60));
  EXPECT_EQ(collect(*waiting_low, &fw), alone(f.m, {9, 9}, 3));
  EXPECT_EQ(fh, Finish::length);
  const SchedulerStats st = s.stats();
  if (mid.done) {
    std::printf("low finished before high arrived: no preemption to check\n");
  } else {
    EXPECT_EQ(fl, Finish::length);
    EXPECT_GE(st.preemptions, 1u);
  }
  EXPECT_EQ(st.completed, 3u);
  EXPECT_EQ(st.slots_used, 0);
}

TEST(Scheduler, ContinuousBatchingRunsRequestsTogetherAndFcfsOneAtATime) {
  Fixture f;
  for (Sched p : {Sched::fcfs, Sched::continuous}) {
    llm::Engine e(f.m, {}, 4, 64);
    SchedulerOptions o;
    o.sched = p;
    o.slots = 4;
    Scheduler s(e, o);
    std::vector<std::shared_ptr<Stream>> v;
    v.reserve(4);
    for (int i = 0; i < 4; ++i) v.push_back(s.submit({{7 + i, 8, 9}, 10}));
    for (auto& x : v) collect(*x);
    // fcfs: 4 requests x 10 forwards (prefill then 9 decodes); continuous: ~10 in all.
    const std::uint64_t forwards = s.stats().forwards;
    if (p == Sched::fcfs) {
      EXPECT_EQ(forwards, 40u);
    } else {
      EXPECT_LE(forwards, 13u);
    }
  }
}

TEST(Scheduler, ACancelledRequestFreesItsSlotAndTheNextOneRuns) {
  Fixture f;
  llm::Engine e(f.m, {}, 1, 64);
  SchedulerOptions o;
  o.sched = Sched::continuous;
  o.slots = 1;
  Scheduler s(e, o);
  auto a = s.submit({{5, 6}, 60});
  auto b = s.submit({{7, 8}, 3});
  ASSERT_TRUE(a && b);
  const Stream::Update first = a->wait(5000ms);  // a holds the only slot and is generating
  ASSERT_FALSE(first.tokens.empty());
  a->cancel();
  Finish fa = Finish::none, fb = Finish::none;
  collect(*a, &fa);
  EXPECT_EQ(fa, Finish::cancelled);
  EXPECT_EQ(collect(*b, &fb), alone(f.m, {7, 8}, 3));
  EXPECT_EQ(fb, Finish::length);
  const SchedulerStats st = s.stats();
  EXPECT_EQ(st.cancelled, 1u);
  EXPECT_EQ(st.completed, 1u);
  EXPECT_EQ(st.slots_used, 0);
}

TEST(Scheduler, StopTokensEndAGenerationAndAreNotSent) {
  Fixture f;
  const std::vector<int> expect = alone(f.m, {5, 6, 7}, 6);
  llm::Engine e(f.m, {}, 1, 64);
  SchedulerOptions o;
  o.slots = 1;
  o.stop_ids = {expect[2]};
  Scheduler s(e, o);
  Finish fin = Finish::none;
  const std::vector<int> got = collect(*s.submit({{5, 6, 7}, 6}), &fin);
  const auto stop_at = std::find(expect.begin(), expect.end(), expect[2]) - expect.begin();
  EXPECT_EQ(got, std::vector<int>(expect.begin(), expect.begin() + stop_at));
  EXPECT_EQ(fin, Finish::stop);
}

TEST(Scheduler, RefusesWhatCannotFitAndWhatTheQueueCannotHold) {
  Fixture f;
  llm::Engine e(f.m, {}, 1, 16);
  SchedulerOptions o;
  o.slots = 1;
  o.max_queue = 1;
  Scheduler s(e, o);
  EXPECT_THROW(s.submit({{}, 4}), InputError);
  EXPECT_THROW(s.submit({{1, 2, 3}, 0}), InputError);
  try {
    s.submit({std::vector<int>(10, 3), 7});
    ADD_FAILURE() << "17 positions in a context of 16 were accepted";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("exceed the context of 16"), std::string::npos) << err.what();
  }
  // One long request holds the slot; one waits; the third finds the queue full.
  auto a = s.submit({{3, 4}, 14});
  ASSERT_TRUE(a);
  ASSERT_FALSE(a->wait(5000ms).tokens.empty());  // a is running, the queue is empty again
  auto b = s.submit({{3, 4}, 2});
  EXPECT_TRUE(b);
  EXPECT_EQ(s.submit({{3, 4}, 2}), nullptr);
  EXPECT_EQ(s.stats().rejected, 1u);
  collect(*a);
  collect(*b);
}

TEST(Scheduler, DrainFinishesWhatIsInFlightAndStopCancelsTheRest) {
  Fixture f;
  {
    llm::Engine e(f.m, {}, 1, 64);
    Scheduler s(e, with_slots(1));
    auto a = s.submit({{5, 6}, 8});
    auto b = s.submit({{7, 8}, 8});
    s.drain();
    EXPECT_EQ(s.submit({{1, 2}, 2}), nullptr);
    Finish fa = Finish::none, fb = Finish::none;
    EXPECT_EQ(collect(*a, &fa).size(), 8u);
    EXPECT_EQ(collect(*b, &fb).size(), 8u);
    EXPECT_EQ(fa, Finish::length);
    EXPECT_EQ(fb, Finish::length);
    EXPECT_TRUE(s.wait_idle_end(5000ms));
  }
  {
    llm::Engine e(f.m, {}, 1, 64);
    Scheduler s(e, with_slots(1));
    auto a = s.submit({{5, 6}, 60});
    auto b = s.submit({{7, 8}, 60});
    s.stop();
    Finish fa = Finish::none, fb = Finish::none;
    collect(*a, &fa);
    collect(*b, &fb);
    EXPECT_TRUE(fa == Finish::cancelled || fa == Finish::length);
    EXPECT_EQ(fb, Finish::cancelled);
    EXPECT_TRUE(s.wait_idle_end(5000ms));
  }
}

}  // namespace
}  // namespace sb::serve
