#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sb {

// A fixed set of persistent workers for fork-join parallel loops.
//
// Threads are created once in the constructor and reused by every run(): spawning threads
// per call would put thread creation (tens of microseconds) inside timed regions. The
// calling thread takes part as worker 0, so a pool of size N owns N-1 background threads.
//
// Between jobs, workers spin for a short while (kSpin) before they sleep on a condition
// variable, and so does the caller waiting for them: a decode step issues about a hundred
// sub-millisecond products, and a futex wake per product (10-50 us on a VM) would cost more
// than the products themselves. The spin is bounded so that an idle pool sleeps.
class ThreadPool {
 public:
  // threads >= 1 (std::invalid_argument otherwise). A pool of size 1 runs everything inline.
  explicit ThreadPool(int threads);
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(task_index) for every task_index in [0, tasks) exactly once, spread over the
  // workers, and returns when all are done. Tasks are claimed dynamically, so which worker
  // runs which index is unspecified: callers that need per-task scratch index it by task.
  //
  // If a task throws, tasks not yet started are skipped and the first exception is
  // rethrown here once every worker has stopped. Concurrent run() calls from different
  // threads are serialized; a run() from inside a task of this pool runs its tasks inline
  // (the workers are busy, waiting for them would deadlock).
  void run(int tasks, const std::function<void(int)>& fn);

 private:
  void worker_loop();
  // Claims and runs tasks of the current job until none are left or one has failed.
  void drain();

  std::vector<std::thread> workers_;

  std::mutex run_mutex_;  // serializes whole run() calls

  std::mutex mutex_;  // guards the sleeps, stop_ and error_; the atomics are also read spinning
  std::condition_variable start_cv_;
  std::condition_variable done_cv_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> checked_in_{0};  // workers that have finished the current generation
  bool stop_ = false;
  std::exception_ptr error_;

  // The current job; written by run() before a generation starts, read-only during it.
  const std::function<void(int)>* fn_ = nullptr;
  int tasks_ = 0;
  std::atomic<int> next_task_{0};
  std::atomic<bool> failed_{false};
};

// One pool per thread count for the whole process, built on first use and kept until exit,
// so that every workload and cell asking for N threads shares the same N-1 workers.
ThreadPool& shared_thread_pool(int threads);

}  // namespace sb
