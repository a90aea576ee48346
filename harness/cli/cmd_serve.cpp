// `stratbench serve`: the question-answering server (workloads/serve/) over a model under a
// strategy. SIGTERM or SIGINT: stop accepting, let requests in flight finish within
// --drain-seconds, cancel what is left, exit 0.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/bpe_vocab.hpp"
#include "stratbench/workloads/llm/calibration.hpp"
#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/llm/llama_engine.hpp"
#include "stratbench/workloads/serve/http_server.hpp"
#include "stratbench/workloads/strategy.hpp"
#include "stratbench/workloads/text/bpe_encoder.hpp"

namespace sb::cli {
namespace {

struct ServeCli {
  std::string model = "teacher", strategy = "sched=continuous", vocab;
  serve::HttpOptions http;
  int slots = 8, queue = 64, ctx = 0, chunk = 64, drain_s = 30;
  long long kv_positions = 0;  // 0: slots x context
  int kv_block = 16;
  std::string redis = "127.0.0.1:6379";
  int answer_entries = 10000, answer_ttl_s = 3600;
};

const std::vector<Flag<ServeCli>>& serve_flags() {
  static const std::vector<Flag<ServeCli>> t = {
      {"--model", "-m", "M", "a model name (teacher, student, small, ...) or a .gguf file (default teacher)",
       [](ServeCli& c, const std::string& v) { c.model = v; }},
      {"--strategy", "-s", "S",
       "scheduling and engine strategy, e.g. sched=continuous+int8+threads=2 (default sched=continuous)",
       [](ServeCli& c, const std::string& v) { c.strategy = v; }},
      {"--vocab", "", "V",
       "for a model without a vocabulary (synthetic): read text prompts with this one (a .tiktoken file, or "
       "gpt2); generated ids past it are sent as <id>",
       [](ServeCli& c, const std::string& v) { c.vocab = v; }},
      {"--host", "", "ADDR", "address to listen on (default 127.0.0.1)",
       [](ServeCli& c, const std::string& v) { c.http.host = v; }},
      {"--port", "", "N", "port (default 8080; 0: any free port, printed at start)",
       [](ServeCli& c, const std::string& v) { c.http.port = static_cast<int>(parse_int_in("--port", v, 0, 65535)); }},
      {"--slots", "", "N",
       "requests in the running batch at most (default 8); kv=contiguous reserves a whole context for each",
       [](ServeCli& c, const std::string& v) { c.slots = static_cast<int>(parse_int_in("--slots", v, 1, 1024)); }},
      {"--kv-positions", "", "N",
       "KV memory, in token positions over all requests (default slots x context); kv=contiguous then has "
       "N / context slots at most, kv=paged N / --kv-block blocks shared by --slots requests",
       [](ServeCli& c, const std::string& v) { c.kv_positions = parse_int_in("--kv-positions", v, 1, 1LL << 26); }},
      {"--kv-block", "", "N", "kv=paged: positions per block (default 16)",
       [](ServeCli& c, const std::string& v) {
         c.kv_block = static_cast<int>(parse_int_in("--kv-block", v, 1, 4096));
       }},
      {"--queue", "", "N", "waiting requests before 429, up to 4096 (each waits on a thread of its own) (default 64)",
       [](ServeCli& c, const std::string& v) { c.queue = static_cast<int>(parse_int_in("--queue", v, 1, 4096)); }},
      {"--ctx", "-c", "N", "context per sequence: prompt plus max_tokens (default the model's)",
       [](ServeCli& c, const std::string& v) { c.ctx = static_cast<int>(parse_int_in("--ctx", v, 8, 1 << 20)); }},
      {"--prefill-chunk", "", "N", "sched=continuous: prompt tokens per forward, over all prompts (default 64)",
       [](ServeCli& c, const std::string& v) {
         c.chunk = static_cast<int>(parse_int_in("--prefill-chunk", v, 1, 1 << 20));
       }},
      {"--redis", "", "HOST:PORT", "answer_cache=redis: the redis-server (default 127.0.0.1:6379)",
       [](ServeCli& c, const std::string& v) { c.redis = v; }},
      {"--answer-entries", "", "N", "answer_cache=memory: answers kept, least recently used out (default 10000)",
       [](ServeCli& c, const std::string& v) {
         c.answer_entries = static_cast<int>(parse_int_in("--answer-entries", v, 1, 1 << 26));
       }},
      {"--answer-ttl", "", "S", "answer_cache=redis: seconds an answer lives (default 3600)",
       [](ServeCli& c, const std::string& v) {
         c.answer_ttl_s = static_cast<int>(parse_int_in("--answer-ttl", v, 1, 1 << 30));
       }},
      {"--max-body", "", "BYTES", "largest request body; more is 413 (default 1M)",
       [](ServeCli& c, const std::string& v) { c.http.max_body = parse_size("--max-body", v); }},
      {"--read-timeout", "", "S", "seconds a client may take to send its request (default 10)",
       [](ServeCli& c, const std::string& v) {
         c.http.read_timeout_s = static_cast<int>(parse_int_in("--read-timeout", v, 1, 3600));
       }},
      {"--drain-seconds", "", "S", "on SIGTERM: how long requests in flight may take to finish (default 30)",
       [](ServeCli& c, const std::string& v) {
         c.drain_s = static_cast<int>(parse_int_in("--drain-seconds", v, 0, 3600));
       }},
      {"--help", "-h", "", "this help", [](ServeCli&, const std::string&) {}},
  };
  return t;
}

// What an answer depends on: the model, the knobs of the engine (not the server's own:
// scheduling, KV layout and caches change when an answer comes, not what it is), and the
// context, which bounds max_tokens.
std::string answer_scope(const llm::ModelSpec& spec, const Strategy& s, int ctx) {
  std::string scope = spec.describe + "|ctx=" + std::to_string(ctx);
  for (const KnobSpec& k : knob_table())
    if (k.name != "sched" && k.name != "kv" && k.name != "prefix_cache" && k.name != "answer_cache" &&
        s.knob(k.name) != k.default_value)
      scope += "," + k.name + "=" + s.knob(k.name);
  return scope;
}

int g_signal_pipe[2] = {-1, -1};

void on_stop_signal(int sig) {
  const unsigned char b = static_cast<unsigned char>(sig);
  [[maybe_unused]] const ssize_t n = ::write(g_signal_pipe[1], &b, 1);
}

serve::Vocabulary vocabulary(const llm::ModelSpec& spec, const std::string& named,
                             std::shared_ptr<text::Encoding>& keep) {
  serve::Vocabulary v;
  v.size = spec.cfg.vocab_size;
  const auto* file = static_cast<const llm::GgufFile*>(spec.keep_alive.get());
  if (file) {
    try {
      keep = std::make_shared<text::Encoding>(llm::encoding_from_gguf(*file));
    } catch (const InputError& e) {
      if (named.empty()) std::cerr << "serve: " << e.what() << "; only token-id prompts are served\n";
    }
  }
  if (keep && !named.empty())
    throw InputError("--vocab: the model " + spec.describe +
                     " has its own vocabulary; --vocab is for models without one");
  if (!keep && !named.empty()) {
    keep = std::make_shared<text::Encoding>(text::Encoding::get(named));
    if (keep->n_vocab() > static_cast<std::uint32_t>(spec.cfg.vocab_size))
      throw InputError("--vocab: " + named + " has " + std::to_string(keep->n_vocab()) +
                       " tokens, more than the model's " + std::to_string(spec.cfg.vocab_size));
  }
  if (!keep) return v;
  const text::Encoding* enc = keep.get();
  // Encoders (each with its piece cache, about a megabyte) are lent out from a pool: as many
  // as requests ever encoded at once. One per HTTP thread grew the server by a megabyte for
  // every thread that ever served a request, a thousand of them (found by the soak).
  struct Pool {
    std::mutex mu;
    std::vector<std::unique_ptr<text::Encoder>> idle;
  };
  auto pool = std::make_shared<Pool>();
  v.encode = [enc, pool](std::string_view s) {
    std::unique_ptr<text::Encoder> e;
    {
      std::lock_guard<std::mutex> l(pool->mu);
      if (!pool->idle.empty()) e = std::move(pool->idle.back()), pool->idle.pop_back();
    }
    if (!e) e = std::make_unique<text::Encoder>(*enc, text::EncoderOptions{text::MergeAlgo::heap, true, 14});
    std::vector<std::uint32_t> ids;
    e->encode_ordinary(s, ids);
    std::lock_guard<std::mutex> l(pool->mu);
    pool->idle.push_back(std::move(e));
    return std::vector<int>(ids.begin(), ids.end());
  };
  v.piece = [enc](int id) {
    const std::uint32_t u = static_cast<std::uint32_t>(id);
    if (u >= enc->n_vocab()) {
      std::string s(1, '<');  // built in steps: GCC 12's -Wrestrict misfires on "<" + ... + ">"
      s += std::to_string(id);
      s += '>';
      return s;
    }
    return enc->decode(std::span<const std::uint32_t>(&u, 1));
  };
  return v;
}

}  // namespace

int cmd_serve(const Args& args) {
  if (wants_help(args)) {
    std::cout
        << "usage: stratbench serve [options]\n\n"
           "An OpenAI-compatible question-answering server over the engine: POST /v1/completions and\n"
           "/v1/chat/completions (greedy; \"stream\": true sends one server-sent event per token),\n"
           "GET /health and GET /metrics (Prometheus). Scheduling is the strategy's sched knob:\n"
           "fcfs, static, continuous or priority (a request's \"priority\" field). SIGTERM drains and exits 0.\n\n"
        << flags_help(serve_flags());
    return 0;
  }
  ServeCli c;
  std::vector<std::string> pos;
  parse_flags(serve_flags(), args, c, pos);
  if (!pos.empty()) throw InputError("serve takes no positional arguments (got '" + pos[0] + "')");
  const Strategy s = parse_strategy(c.strategy);
  if (s.k.library != Library::native || s.k.merge != Merge::pairs || s.k.piece_cache || s.k.io != Io::read)
    throw InputError("serve: strategy '" + c.strategy + "' sets a knob the server's engine does not use");
  if (s.k.prefix_cache && s.k.kv != Kv::paged)
    throw InputError("serve: strategy '" + c.strategy + "': prefix_cache=on needs kv=paged (blocks requests share)");

  // A handler, not sigwait: OpenBLAS starts its threads before main, with the signals
  // unblocked, so any thread may take one. The handler only writes to a pipe.
  if (::pipe2(g_signal_pipe, O_CLOEXEC) != 0) throw InputError("serve: cannot create a pipe");
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  llm::ModelSpec spec = llm::resolve_model(c.model);
  std::shared_ptr<text::Encoding> enc;
  serve::Vocabulary vocab = vocabulary(spec, c.vocab, enc);
  const int ctx = c.ctx > 0 ? c.ctx : spec.cfg.max_seq_len;
  llm::EngineOptions opt = llm::engine_options(s);
  const llm::LlamaModel model = llm::build_model_for(spec, s, opt);
  const long long positions = c.kv_positions > 0 ? c.kv_positions : static_cast<long long>(c.slots) * ctx;
  if (s.k.kv == Kv::contiguous) {
    if (positions < ctx)
      throw InputError("--kv-positions " + std::to_string(positions) + " holds no whole context of " +
                       std::to_string(ctx) + " (kv=contiguous reserves one per slot)");
    c.slots = static_cast<int>(std::min<long long>(c.slots, positions / ctx));
  } else if (positions < c.kv_block) {
    throw InputError("--kv-positions " + std::to_string(positions) + " holds no block of " +
                     std::to_string(c.kv_block) + " positions");
  }
  llm::Engine engine(model, opt,
                     s.k.kv == Kv::paged
                         ? llm::KvCache(spec.cfg, c.slots, ctx, c.kv_block, static_cast<int>(positions / c.kv_block))
                         : llm::KvCache(spec.cfg, c.slots, ctx));

  serve::SchedulerOptions so;
  so.sched = s.k.sched;
  so.slots = c.slots;
  so.max_queue = c.queue;
  so.prefill_chunk = c.chunk;
  so.prefix_cache = s.k.prefix_cache;
  std::unique_ptr<serve::AnswerCache> answers;
  if (s.k.answer_cache == AnswerStore::memory)
    answers = std::make_unique<serve::MemoryAnswerCache>(static_cast<std::size_t>(c.answer_entries));
  else if (s.k.answer_cache == AnswerStore::redis)
    answers = serve::redis_answer_cache(c.redis, c.answer_ttl_s);
  so.answers = answers.get();
  so.answer_scope = answer_scope(spec, s, ctx);
  if (enc)
    for (const auto& [text, id] : enc->specials())
      if (text == "<|endoftext|>") so.stop_ids.push_back(static_cast<int>(id));
  serve::Scheduler sched(engine, so);
  c.http.model_name = c.model;
  if (c.http.threads == 0) c.http.threads = c.slots + c.queue + 8;
  serve::HttpServer http(sched, vocab, c.http);
  const int port = http.bind();
  const llm::KvCache& kv = engine.cache();
  std::cout << "stratbench serve: " << spec.describe << " (" << s.canonical() << "), " << c.slots
            << " requests at once, context " << ctx << ", KV " << kv.total_blocks() << " blocks of " << kv.block_size()
            << " positions (" << kv.bytes() / (1 << 20) << " MiB), listening on http://" << c.http.host << ":" << port
            << std::endl;

  std::thread waiter([&] {
    unsigned char sig = 0;
    while (::read(g_signal_pipe[0], &sig, 1) < 0 && errno == EINTR) {
    }
    std::cout << "stratbench serve: signal " << int{sig} << ", draining (up to " << c.drain_s << " s)" << std::endl;
    // New requests get 503 while the ones in flight finish; then the connections close.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(c.drain_s);
    http.begin_drain();
    sched.drain();
    if (!sched.wait_idle_end(std::chrono::seconds(c.drain_s))) sched.stop();
    while (http.open_exchanges() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    http.stop();
  });
  http.listen();
  on_stop_signal(0);  // listen ended by itself: wake the waiter (a second byte is harmless)
  waiter.join();
  sched.stop();
  const serve::SchedulerStats st = sched.stats();
  std::cout << "stratbench serve: stopped; " << st.completed << " completed, " << st.cancelled << " cancelled, "
            << st.generated_tokens << " tokens generated" << std::endl;
  return 0;
}

}  // namespace sb::cli
