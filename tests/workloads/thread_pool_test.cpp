#include "stratbench/workloads/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace sb {
namespace {

TEST(ThreadPool, SizeCountsTheCallingThread) {
  EXPECT_EQ(ThreadPool(1).size(), 1);
  EXPECT_EQ(ThreadPool(3).size(), 3);
  EXPECT_THROW(ThreadPool(0), std::invalid_argument);
}

TEST(ThreadPool, EveryTaskRunsExactlyOnce) {
  for (const int threads : {1, 2, 4}) {
    ThreadPool pool(threads);
    for (const int tasks : {1, 2, 3, 7, 1000}) {
      std::vector<std::atomic<int>> runs(static_cast<std::size_t>(tasks));
      pool.run(tasks, [&](int i) { runs[static_cast<std::size_t>(i)].fetch_add(1); });
      for (int i = 0; i < tasks; ++i) {
        EXPECT_EQ(runs[static_cast<std::size_t>(i)].load(), 1)
            << "threads=" << threads << " tasks=" << tasks << " task=" << i;
      }
    }
  }
}

TEST(ThreadPool, ZeroTasksCallsNothing) {
  ThreadPool pool(2);
  bool called = false;
  pool.run(0, [&](int) { called = true; });
  EXPECT_FALSE(called);
}

// Two tasks that each wait for the other can only finish if two threads run them at once.
TEST(ThreadPool, TwoWorkersReallyRunConcurrently) {
  ThreadPool pool(2);
  std::atomic<int> arrived{0};
  std::atomic<bool> both_seen{true};
  std::mutex mutex;
  std::set<std::thread::id> ids;
  pool.run(2, [&](int) {
    {
      std::lock_guard lock(mutex);
      ids.insert(std::this_thread::get_id());
    }
    arrived.fetch_add(1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (arrived.load() < 2) {
      if (std::chrono::steady_clock::now() > deadline) {
        both_seen = false;
        return;
      }
      std::this_thread::yield();
    }
  });
  EXPECT_TRUE(both_seen.load());
  EXPECT_EQ(ids.size(), 2u);
}

TEST(ThreadPool, FirstExceptionIsRethrownAndPoolStaysUsable) {
  for (const int threads : {1, 2, 3}) {
    ThreadPool pool(threads);
    EXPECT_THROW(pool.run(100,
                          [](int i) {
                            if (i == 5) throw std::runtime_error("task 5 failed");
                          }),
                 std::runtime_error);
    try {
      pool.run(4, [](int) { throw std::logic_error("every task fails"); });
      ADD_FAILURE() << "no exception";
    } catch (const std::logic_error& e) {
      EXPECT_STREQ(e.what(), "every task fails");
    }
    std::atomic<int> sum{0};
    pool.run(10, [&](int i) { sum += i; });
    EXPECT_EQ(sum.load(), 45) << "threads=" << threads;
  }
}

// Workers are persistent: thousands of calls are served by the same few threads.
TEST(ThreadPool, ReusesTheSameThreadsAcrossManyCalls) {
  ThreadPool pool(2);
  std::mutex mutex;
  std::set<std::thread::id> ids;
  long long total = 0;
  for (int call = 0; call < 5000; ++call) {
    std::atomic<int> sum{0};
    pool.run(3, [&](int i) {
      sum += i + 1;
      std::lock_guard lock(mutex);
      ids.insert(std::this_thread::get_id());
    });
    ASSERT_EQ(sum.load(), 6) << "call " << call;
    total += sum.load();
  }
  EXPECT_EQ(total, 5000 * 6);
  EXPECT_LE(ids.size(), 2u);
}

TEST(ThreadPool, NestedRunFromATaskRunsInline) {
  ThreadPool pool(2);
  std::atomic<int> inner{0};
  pool.run(2, [&](int) { pool.run(3, [&](int) { inner.fetch_add(1); }); });
  EXPECT_EQ(inner.load(), 6);
}

TEST(ThreadPool, ConcurrentCallersAreSerialized) {
  ThreadPool pool(2);
  std::atomic<int> count{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 3; ++c) {
    callers.emplace_back([&] {
      for (int r = 0; r < 200; ++r) pool.run(5, [&](int) { count.fetch_add(1); });
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(count.load(), 3 * 200 * 5);
}

TEST(SharedThreadPool, OnePoolPerThreadCount) {
  ThreadPool& a = shared_thread_pool(2);
  ThreadPool& b = shared_thread_pool(2);
  ThreadPool& c = shared_thread_pool(1);
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  EXPECT_EQ(a.size(), 2);
  EXPECT_EQ(c.size(), 1);
  EXPECT_THROW(shared_thread_pool(0), std::invalid_argument);
}

}  // namespace
}  // namespace sb
