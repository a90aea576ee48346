// The question-answering server's scheduler: requests wait in a queue, are admitted into
// the engine's sequence slots (each slot a KV cache of the model's context) and advance one
// engine forward at a time. The policy (the `sched` knob) decides who joins the running
// batch and when:
//   fcfs        one request at a time, its whole prompt in one forward, then its decode;
//   static      when the engine is idle, up to `slots` requests start together and run to
//               completion before the next batch is admitted;
//   continuous  iteration-level scheduling (Orca, Yu et al. 2022): a request joins at any
//               token boundary when a slot is free and leaves when done; prompts are fed in
//               chunks of at most `prefill_chunk` tokens per forward over all of them, so a
//               long prompt never stalls the running decodes for more than one chunk.
//   priority    continuous, but the waiting request with the highest `priority` is admitted
//               first (first come first served within a level), and when no slot is free it
//               preempts the running request of the lowest priority below its own: that one
//               gives its slot (its KV) back at once and waits again with its prompt plus
//               what it generated so far, recomputed when it is readmitted (vLLM's
//               recompute preemption). Its client sees one uninterrupted stream.
// Over a paged KV pool (kv=paged) a request is admitted only when the pool has the blocks
// of its prompt (and first token); decode steps take more as they cross block ends, and
// when the pool runs dry the running request of the lowest priority, latest arrival, is
// preempted the same way (and goes back to the front of the queue). With prefix_cache=on
// a prompt starting with blocks another prompt computed shares them (prefix_cache.hpp).
// One thread (run()) owns the engine; HTTP handlers talk to it only through submit() and
// the request's Stream.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "stratbench/workloads/llm/llama_engine.hpp"
#include "stratbench/workloads/serve/answer_cache.hpp"
#include "stratbench/workloads/serve/prefix_cache.hpp"
#include "stratbench/workloads/strategy.hpp"

namespace sb::serve {

enum class Finish { none, length, stop, cancelled, error };
const char* to_string(Finish f);  // OpenAI's finish_reason: "length", "stop"; or "cancelled", "error"

// One request's channel from the scheduler thread (push, finish) to its HTTP handler (wait).
class Stream {
 public:
  struct Update {
    std::vector<int> tokens;  // generated since the last wait
    bool done = false;
    Finish finish = Finish::none;
    std::string error;
  };
  void push(int token);
  void finish(Finish f, std::string error = {});
  // Waits up to `timeout` for tokens or the end; returns what arrived since the last call.
  Update wait(std::chrono::milliseconds timeout);
  // The client is gone: the scheduler frees the request's slot at its next step.
  void cancel() { cancelled_ = true; }
  bool cancelled() const { return cancelled_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> pending_;
  bool done_ = false;
  Finish finish_ = Finish::none;
  std::string error_;
  std::atomic<bool> cancelled_{false};
};

struct Request {
  std::vector<int> prompt;  // token ids, at least one
  int max_tokens = 16;      // prompt + max_tokens must fit the context (submit refuses otherwise)
  int priority = 0;         // sched=priority: higher goes first
};

struct SchedulerOptions {
  Sched sched = Sched::fcfs;
  int slots = 4;              // sequences in the engine at once
  int max_queue = 64;         // waiting requests; submit refuses beyond
  int prefill_chunk = 64;     // continuous: prompt tokens per forward, over all prompts being fed
  std::vector<int> stop_ids;  // end-of-generation tokens (not sent to the client)
  bool prefix_cache = false;  // needs the engine's cache paged
  // answer_cache: a request identical to an earlier one is answered from here at submit();
  // answer_scope (model and engine strategy) is part of every key. Null: off.
  AnswerCache* answers = nullptr;
  std::string answer_scope;
};

// Counters for /metrics; monotonic ones only grow.
struct SchedulerStats {
  int queued = 0, running = 0, slots_used = 0, slots_total = 0;
  std::uint64_t admitted = 0, completed = 0, cancelled = 0, failed = 0, rejected = 0;
  std::uint64_t prompt_tokens = 0, generated_tokens = 0, forwards = 0;
  std::uint64_t slot_frees = 0, preemptions = 0;
  double forward_seconds = 0;
  int running_peak = 0;  // most requests ever in the running batch at once
  // KV blocks (contiguous: one per slot): in the pool, held (by requests or the prefix
  // cache), held by the prefix cache.
  int kv_blocks_total = 0, kv_blocks_used = 0, kv_blocks_cached = 0;
  std::uint64_t prefix_hit_blocks = 0, prefix_evictions = 0;
  std::uint64_t answer_hits = 0, answer_misses = 0;  // answered from the answer cache (counted completed)
  // Summed over forwards: KV positions holding the running requests' tokens, and positions
  // those requests hold (contiguous: a whole context each; paged: their blocks). Their
  // ratio is the KV memory's utilisation over the run.
  double kv_live_position_steps = 0, kv_held_position_steps = 0;
};

class Scheduler {
 public:
  // The engine must hold opt.slots sequences; it is used only from this scheduler's thread.
  Scheduler(llm::Engine& e, SchedulerOptions opt);
  ~Scheduler();  // stops (cancelling what is left) and joins
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Null when the queue is full or the scheduler no longer accepts (drain, stop).
  // InputError when the request is empty or cannot fit the context (or the whole paged pool).
  std::shared_ptr<Stream> submit(Request r);
  // Stop accepting; the thread ends once every queued and running request is done.
  void drain();
  // Stop now: queued and running requests end as cancelled.
  void stop();
  // Waits for the thread to end, up to `timeout`; true when it ended.
  bool wait_idle_end(std::chrono::milliseconds timeout);
  SchedulerStats stats() const;
  int context() const { return engine_.cache().capacity(); }

 private:
  struct Running {
    std::shared_ptr<Stream> stream;
    Request req;
    int slot = -1;
    std::size_t fed = 0;  // prompt tokens already in the cache
    int generated = 0;
    int last = -1;
    std::uint64_t order = 0;  // arrival
    std::vector<int> out;     // what was generated, for a preemption's resume
    std::size_t asked = 0;    // the prompt's length as submitted (a resumed prompt holds tokens since)
    std::string key;          // answer cache key; empty: none
  };
  struct Waiting {
    std::shared_ptr<Stream> stream;
    Request req;
    int generated = 0;     // a preempted request's tokens so far (its prompt holds them)
    bool resumed = false;  // preempted: its prompt tokens were counted at its first start
    std::uint64_t order = 0;
    std::size_t asked = 0;
    std::string key;
  };
  void admit_priority();              // under mu_
  void start(Waiting& w);             // under mu_: w takes a free slot (and its prompt's blocks)
  bool fits(const Waiting& w) const;  // a paged pool has the blocks w's start takes
  // Under mu_: the running request gives its slot and blocks back and waits again.
  void preempt(std::vector<Running>::iterator victim);
  bool grow_decodes();  // a paged pool: blocks for this step's decode tokens, preempting if short
  void loop();
  void admit();  // under mu_
  void step();
  void release(Running& r, Finish f, const std::string& error = {});
  void count_kv();  // under mu_: the KV counters of stats_

  llm::Engine& engine_;
  SchedulerOptions opt_;
  std::unique_ptr<PrefixCache> prefix_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Waiting> queue_;
  std::vector<Running> running_;
  std::vector<int> free_slots_;
  std::uint64_t arrivals_ = 0;
  bool accepting_ = true, stop_now_ = false, ended_ = false;
  std::condition_variable ended_cv_;
  SchedulerStats stats_;  // under mu_
  std::vector<float> logits_;
  std::thread thread_;
};

}  // namespace sb::serve
