#include "stratbench/workloads/serve/scheduler.hpp"

#include <algorithm>

#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/result/errors.hpp"

namespace sb::serve {

const char* to_string(Finish f) {
  switch (f) {
    case Finish::none: return "none";
    case Finish::length: return "length";
    case Finish::stop: return "stop";
    case Finish::cancelled: return "cancelled";
    case Finish::error: return "error";
  }
  return "?";
}

void Stream::push(int token) {
  {
    std::lock_guard<std::mutex> l(mu_);
    pending_.push_back(token);
  }
  cv_.notify_all();
}

void Stream::finish(Finish f, std::string error) {
  {
    std::lock_guard<std::mutex> l(mu_);
    done_ = true;
    finish_ = f;
    error_ = std::move(error);
  }
  cv_.notify_all();
}

Stream::Update Stream::wait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait_for(l, timeout, [&] { return done_ || !pending_.empty(); });
  Update u;
  u.tokens.swap(pending_);
  // The end is reported only with (or after) the last tokens, never before them.
  u.done = done_;
  u.finish = finish_;
  u.error = error_;
  return u;
}

namespace {
// Who goes first: the higher priority, then the earlier arrival.
bool ranks_before(int pa, std::uint64_t oa, int pb, std::uint64_t ob) { return pa != pb ? pa > pb : oa < ob; }
}  // namespace

Scheduler::Scheduler(llm::Engine& e, SchedulerOptions opt) : engine_(e), opt_(std::move(opt)) {
  SB_CHECK(opt_.slots >= 1 && opt_.slots <= e.cache().sequences() && opt_.max_queue >= 0 && opt_.prefill_chunk >= 1);
  if (opt_.prefix_cache) {
    if (!e.cache().paged()) throw InputError("prefix_cache=on needs kv=paged (blocks that requests can share)");
    prefix_ = std::make_unique<PrefixCache>(e.cache());
  }
  for (int s = opt_.slots - 1; s >= 0; --s) free_slots_.push_back(s);
  stats_.slots_total = opt_.slots;
  count_kv();
  thread_ = std::thread([this] { loop(); });
}

Scheduler::~Scheduler() {
  stop();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<Stream> Scheduler::submit(Request r) {
  if (r.prompt.empty()) throw InputError("the prompt has no tokens");
  if (r.max_tokens < 1) throw InputError("max_tokens must be at least 1");
  if (r.prompt.size() + static_cast<std::size_t>(r.max_tokens) > static_cast<std::size_t>(context()))
    throw InputError("the prompt's " + std::to_string(r.prompt.size()) + " tokens plus max_tokens " +
                     std::to_string(r.max_tokens) + " exceed the context of " + std::to_string(context()));
  const llm::KvCache& kv = engine_.cache();
  const int bs = kv.block_size(), whole = static_cast<int>(r.prompt.size()) + r.max_tokens;
  if (kv.paged() && (whole + bs - 1) / bs > kv.total_blocks())
    throw InputError("the prompt's " + std::to_string(r.prompt.size()) + " tokens plus max_tokens " +
                     std::to_string(r.max_tokens) + " need more than the KV pool's " +
                     std::to_string(kv.total_blocks()) + " blocks of " + std::to_string(bs) + " positions");
  auto s = std::make_shared<Stream>();
  std::string key;
  if (opt_.answers) {
    key = answer_key(opt_.answer_scope, r.prompt, r.max_tokens);
    const std::optional<Answer> a = opt_.answers->get(key);
    std::lock_guard<std::mutex> l(mu_);
    if (!accepting_) {
      ++stats_.rejected;
      return nullptr;
    }
    if (a) {
      ++stats_.answer_hits;
      ++stats_.completed;
      for (int t : a->tokens) s->push(t);
      s->finish(a->stopped ? Finish::stop : Finish::length);
      return s;
    }
    ++stats_.answer_misses;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!accepting_ || queue_.size() >= static_cast<std::size_t>(opt_.max_queue)) {
      ++stats_.rejected;
      return nullptr;
    }
    const std::size_t asked = r.prompt.size();
    queue_.push_back({s, std::move(r), 0, false, arrivals_++, asked, std::move(key)});
    stats_.queued = static_cast<int>(queue_.size());
  }
  cv_.notify_all();
  return s;
}

void Scheduler::drain() {
  {
    std::lock_guard<std::mutex> l(mu_);
    accepting_ = false;
  }
  cv_.notify_all();
}

void Scheduler::stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    accepting_ = false;
    stop_now_ = true;
  }
  cv_.notify_all();
}

bool Scheduler::wait_idle_end(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> l(mu_);
  return ended_cv_.wait_for(l, timeout, [&] { return ended_; });
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard<std::mutex> l(mu_);
  return stats_;
}

void Scheduler::loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stop_now_ || !queue_.empty() || !running_.empty() || !accepting_; });
      if (stop_now_) {
        for (auto& w : queue_) w.stream->finish(Finish::cancelled, "the server is stopping");
        stats_.cancelled += queue_.size();
        queue_.clear();
        l.unlock();
        for (auto& r : running_) release(r, Finish::cancelled, "the server is stopping");
        running_.clear();
        break;
      }
      if (!accepting_ && queue_.empty() && running_.empty()) break;
      admit();
    }
    step();
  }
  std::lock_guard<std::mutex> l(mu_);
  stats_.queued = 0;
  ended_ = true;
  ended_cv_.notify_all();
}

void Scheduler::admit() {
  // Requests whose clients left while waiting never take a slot.
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->stream->cancelled()) {
      it->stream->finish(Finish::cancelled);
      ++stats_.cancelled;
      it = queue_.erase(it);
    } else {
      ++it;
    }
  }
  std::size_t room = 0;
  switch (opt_.sched) {
    case Sched::fcfs: room = running_.empty() ? 1 : 0; break;
    case Sched::static_batch: room = running_.empty() ? free_slots_.size() : 0; break;
    case Sched::continuous: room = free_slots_.size(); break;
    case Sched::priority: room = 0, admit_priority(); break;
  }
  while (room-- > 0 && !queue_.empty() && !free_slots_.empty() && fits(queue_.front())) {
    start(queue_.front());
    queue_.pop_front();
  }
  stats_.queued = static_cast<int>(queue_.size());
  stats_.running = static_cast<int>(running_.size());
  stats_.slots_used = opt_.slots - static_cast<int>(free_slots_.size());
  stats_.running_peak = std::max(stats_.running_peak, stats_.running);
  count_kv();
}

bool Scheduler::fits(const Waiting& w) const {
  const llm::KvCache& kv = engine_.cache();
  if (!kv.paged()) return true;
  const int bs = kv.block_size(), n = static_cast<int>(w.req.prompt.size()) + 1;
  const int hits = prefix_ ? prefix_->hits(w.req.prompt) : 0;
  // The shared blocks may be among the evictable ones: counted once, as shared.
  const int avail = kv.free_blocks() + (prefix_ ? prefix_->evictable() - hits : 0);
  return (n + bs - 1) / bs - hits <= avail;
}

void Scheduler::start(Waiting& w) {
  Running r;
  r.stream = std::move(w.stream);
  r.req = std::move(w.req);
  r.generated = w.generated;
  r.order = w.order;
  r.asked = w.asked;
  r.key = std::move(w.key);
  r.slot = free_slots_.back();
  free_slots_.pop_back();
  engine_.reset_seq(r.slot);
  llm::KvCache& kv = engine_.cache();
  if (prefix_) r.fed = static_cast<std::size_t>(prefix_->attach(r.slot, r.req.prompt));
  // The prompt's blocks and the first token's, now: fits() said the pool has them.
  const int n = static_cast<int>(r.req.prompt.size()) + 1;
  if (prefix_) prefix_->make_room(kv.blocks_needed(r.slot, n));
  SB_CHECK(kv.reserve(r.slot, n));
  if (!w.resumed) {
    ++stats_.admitted;
    stats_.prompt_tokens += r.req.prompt.size();
  }
  running_.push_back(std::move(r));
}

void Scheduler::admit_priority() {
  while (!queue_.empty()) {
    auto best = queue_.begin();
    for (auto it = queue_.begin(); it != queue_.end(); ++it)
      if (ranks_before(it->req.priority, it->order, best->req.priority, best->order)) best = it;
    if (!free_slots_.empty() && fits(*best)) {
      start(*best);
      queue_.erase(best);
      continue;
    }
    // No slot, or not the KV blocks: the lowest priority, latest arrival, makes room if it
    // ranks below.
    auto victim = running_.end();
    for (auto it = running_.begin(); it != running_.end(); ++it)
      if (victim == running_.end() || ranks_before(victim->req.priority, victim->order, it->req.priority, it->order))
        victim = it;
    if (victim == running_.end() || victim->req.priority >= best->req.priority) return;
    preempt(victim);  // the queue changed: choose again
  }
}

void Scheduler::preempt(std::vector<Running>::iterator victim) {
  Waiting back{victim->stream, victim->req, victim->generated, true, victim->order, victim->asked, victim->key};
  back.req.prompt.insert(back.req.prompt.end(), victim->out.begin(), victim->out.end());
  engine_.reset_seq(victim->slot);
  free_slots_.push_back(victim->slot);
  ++stats_.preemptions;
  running_.erase(victim);
  // Priority order picks by rank anyway; the first-come orders resume it first.
  if (opt_.sched == Sched::priority)
    queue_.push_back(std::move(back));
  else
    queue_.push_front(std::move(back));
  stats_.queued = static_cast<int>(queue_.size());
  stats_.running = static_cast<int>(running_.size());
}

bool Scheduler::grow_decodes() {
  llm::KvCache& kv = engine_.cache();
  if (!kv.paged()) return true;
  for (;;) {
    int need = 0;
    for (const Running& r : running_)
      if (r.fed == r.req.prompt.size()) need += kv.blocks_needed(r.slot, kv.len(r.slot) + 1);
    if (prefix_) prefix_->make_room(need);
    if (need <= kv.free_blocks()) break;
    std::lock_guard<std::mutex> l(mu_);
    auto victim = running_.begin();
    for (auto it = running_.begin(); it != running_.end(); ++it)
      if (ranks_before(victim->req.priority, victim->order, it->req.priority, it->order)) victim = it;
    preempt(victim);
  }
  for (const Running& r : running_)
    if (r.fed == r.req.prompt.size()) SB_CHECK(kv.reserve(r.slot, kv.len(r.slot) + 1));
  return !running_.empty();
}

void Scheduler::count_kv() {
  const llm::KvCache& kv = engine_.cache();
  stats_.kv_blocks_total = kv.total_blocks();
  if (!kv.paged()) {
    stats_.kv_blocks_used = stats_.slots_used;
    return;
  }
  stats_.kv_blocks_used = kv.total_blocks() - kv.free_blocks();
  if (prefix_) {
    stats_.kv_blocks_cached = prefix_->blocks();
    stats_.prefix_hit_blocks = prefix_->hit_blocks();
    stats_.prefix_evictions = prefix_->evictions();
  }
}

// Frees r's slot at once (its KV positions are reusable by the next admitted request).
void Scheduler::release(Running& r, Finish f, const std::string& error) {
  engine_.reset_seq(r.slot);  // a paged pool has the blocks back now
  if (opt_.answers && !r.key.empty() && (f == Finish::length || f == Finish::stop)) {
    Answer a{std::vector<int>(r.req.prompt.begin() + static_cast<std::ptrdiff_t>(r.asked), r.req.prompt.end()),
             f == Finish::stop};
    a.tokens.insert(a.tokens.end(), r.out.begin(), r.out.end());
    opt_.answers->put(r.key, a);
  }
  {
    // The counters first: a reader woken by the stream's end sees them already counted.
    std::lock_guard<std::mutex> l(mu_);
    free_slots_.push_back(r.slot);
    ++stats_.slot_frees;
    switch (f) {
      case Finish::length:
      case Finish::stop: ++stats_.completed; break;
      case Finish::cancelled: ++stats_.cancelled; break;
      case Finish::error:
      case Finish::none: ++stats_.failed; break;
    }
    stats_.slots_used = opt_.slots - static_cast<int>(free_slots_.size());
    count_kv();
  }
  r.stream->finish(f, error);
}

void Scheduler::step() {
  // Clients that left mid-generation give their slot back before the next forward.
  std::erase_if(running_, [&](Running& r) {
    if (!r.stream->cancelled()) return false;
    release(r, Finish::cancelled);
    return true;
  });
  if (!grow_decodes()) return;
  std::vector<int> toks, seqs;
  std::vector<std::size_t> present;  // running_ index per sequence in the forward, in order
  std::vector<bool> emits;           // whether that sequence's logits give a token now
  std::vector<bool> fills;           // whether it feeds prompt tokens
  int budget = opt_.sched == Sched::continuous || opt_.sched == Sched::priority ? opt_.prefill_chunk : 1 << 30;
  for (std::size_t i = 0; i < running_.size(); ++i) {
    Running& r = running_[i];
    const std::size_t left = r.req.prompt.size() - r.fed;
    if (left > 0) {
      const std::size_t n = std::min<std::size_t>(left, static_cast<std::size_t>(std::max(budget, 0)));
      if (n == 0) continue;
      for (std::size_t t = 0; t < n; ++t) toks.push_back(r.req.prompt[r.fed + t]), seqs.push_back(r.slot);
      r.fed += n;
      budget -= static_cast<int>(n);
      present.push_back(i);
      emits.push_back(r.fed == r.req.prompt.size());
      fills.push_back(true);
    } else {
      toks.push_back(r.last), seqs.push_back(r.slot);
      present.push_back(i);
      emits.push_back(true);
      fills.push_back(false);
    }
  }
  const int V = engine_.model().cfg.vocab_size;
  logits_.resize(present.size() * static_cast<std::size_t>(V));
  const auto t0 = std::chrono::steady_clock::now();
  try {
    SB_RANGE(prof::Category::llm, "serve step");
    engine_.forward(toks.data(), seqs.data(), static_cast<int>(toks.size()), false, logits_.data());
  } catch (const std::exception& e) {
    for (std::size_t i : present) release(running_[i], Finish::error, e.what());
    std::vector<Running> keep;
    for (std::size_t i = 0; i < running_.size(); ++i)
      if (std::find(present.begin(), present.end(), i) == present.end()) keep.push_back(std::move(running_[i]));
    running_ = std::move(keep);
    return;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const llm::KvCache& kv = engine_.cache();
  double live = 0, held = 0;
  for (const Running& r : running_) {
    live += kv.len(r.slot);
    held += static_cast<double>(kv.table(r.slot).size()) * kv.block_size();
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    ++stats_.forwards;
    stats_.kv_live_position_steps += live;
    stats_.kv_held_position_steps += held;
    stats_.forward_seconds += secs;
    for (std::size_t p = 0; p < present.size(); ++p) stats_.generated_tokens += emits[p] ? 1 : 0;
  }
  std::vector<bool> done(running_.size(), false);
  for (std::size_t p = 0; p < present.size(); ++p) {
    if (!emits[p]) continue;
    Running& r = running_[present[p]];
    if (prefix_ && fills[p]) prefix_->insert(r.slot, r.req.prompt, static_cast<int>(r.fed));
    const int tok = llm::argmax(logits_.data() + p * static_cast<std::size_t>(V), V);
    const bool stop = std::find(opt_.stop_ids.begin(), opt_.stop_ids.end(), tok) != opt_.stop_ids.end();
    ++r.generated;
    if (stop) {
      release(r, Finish::stop);
      done[present[p]] = true;
      continue;
    }
    r.stream->push(tok);
    r.last = tok;
    r.out.push_back(tok);
    if (r.generated >= r.req.max_tokens) {
      release(r, Finish::length);
      done[present[p]] = true;
    }
  }
  std::vector<Running> keep;
  for (std::size_t i = 0; i < running_.size(); ++i)
    if (!done[i]) keep.push_back(std::move(running_[i]));
  running_ = std::move(keep);
  std::lock_guard<std::mutex> l(mu_);
  stats_.running = static_cast<int>(running_.size());
  count_kv();
}

}  // namespace sb::serve
