#include "stratbench/workloads/thread_pool.hpp"
#include "stratbench/profilers/nvtx.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace sb {

namespace {
// The pool whose task the current thread is running, to detect nested run() calls.
thread_local const ThreadPool* tls_running_pool = nullptr;

// How long a waiting thread polls before it sleeps: longer than the gap between two
// products of a decode step, short enough that an idle pool costs nothing measurable.
constexpr auto kSpin = std::chrono::microseconds(200);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Polls `ready` until it holds or kSpin has passed; true when it holds.
template <class Ready>
bool spin_until(Ready ready) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (ready()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= until) return ready();
  }
}

struct RunningPoolScope {
  explicit RunningPoolScope(const ThreadPool* pool) : saved(tls_running_pool) { tls_running_pool = pool; }
  ~RunningPoolScope() { tls_running_pool = saved; }
  RunningPoolScope(const RunningPoolScope&) = delete;
  RunningPoolScope& operator=(const RunningPoolScope&) = delete;
  const ThreadPool* saved;
};
}  // namespace

ThreadPool::ThreadPool(int threads) {
  if (threads < 1) {
    throw std::invalid_argument("ThreadPool: thread count must be >= 1, got " + std::to_string(threads));
  }
  workers_.reserve(static_cast<std::size_t>(threads - 1));
  for (int i = 1; i < threads; ++i)
    workers_.emplace_back([this, i] {
      prof::name_this_thread(("worker " + std::to_string(i)).c_str());
      worker_loop();
    });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::drain() {
  RunningPoolScope scope(this);
  while (!failed_.load(std::memory_order_relaxed)) {
    const int i = next_task_.fetch_add(1, std::memory_order_relaxed);
    if (i >= tasks_) return;
    try {
      (*fn_)(i);
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::current_exception();
      failed_.store(true, std::memory_order_relaxed);
    }
  }
}

void ThreadPool::worker_loop() {
  std::uint64_t seen = 0;
  for (;;) {
    // A new generation is published with release order after the job's fields are
    // written, so seeing it with acquire order makes fn_ and tasks_ visible.
    if (!spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; })) {
      std::unique_lock lock(mutex_);
      start_cv_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_acquire) != seen; });
    }
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    seen = generation_.load(std::memory_order_acquire);
    {
      // One range per job a worker takes part in: a trace shows when each thread is busy.
      SB_RANGE(prof::Category::harness, "pool job");
      drain();
    }
    if (checked_in_.fetch_add(1, std::memory_order_acq_rel) + 1 == static_cast<int>(workers_.size())) {
      // Under the mutex, so that a caller between its check and its wait cannot miss it.
      std::lock_guard lock(mutex_);
      done_cv_.notify_one();
    }
  }
}

void ThreadPool::run(int tasks, const std::function<void(int)>& fn) {
  if (tasks <= 0) return;
  // Inline when there is nobody to share with, or when called from one of our own tasks.
  if (workers_.empty() || tasks == 1 || tls_running_pool == this) {
    RunningPoolScope scope(this);
    for (int i = 0; i < tasks; ++i) fn(i);
    return;
  }

  std::lock_guard run_lock(run_mutex_);
  {
    std::lock_guard lock(mutex_);
    fn_ = &fn;
    tasks_ = tasks;
    next_task_.store(0, std::memory_order_relaxed);
    failed_.store(false, std::memory_order_relaxed);
    error_ = nullptr;
    checked_in_.store(0, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  start_cv_.notify_all();
  drain();

  std::exception_ptr error;
  {
    // Every worker checks in for every generation, so none can still be reading fn_ (a
    // reference into the caller's frame) once this wait returns.
    const int n = static_cast<int>(workers_.size());
    auto all_in = [&] { return checked_in_.load(std::memory_order_acquire) == n; };
    spin_until(all_in);
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, all_in);
    fn_ = nullptr;
    error = std::exchange(error_, nullptr);
  }
  if (error) std::rethrow_exception(error);
}

ThreadPool& shared_thread_pool(int threads) {
  if (threads < 1) {
    throw std::invalid_argument("shared_thread_pool: thread count must be >= 1, got " + std::to_string(threads));
  }
  static std::mutex mutex;
  // Never destroyed: workloads may still hold references during static destruction.
  static auto* pools = new std::map<int, std::unique_ptr<ThreadPool>>();
  std::lock_guard lock(mutex);
  auto& slot = (*pools)[threads];
  if (!slot) slot = std::make_unique<ThreadPool>(threads);
  return *slot;
}

}  // namespace sb
