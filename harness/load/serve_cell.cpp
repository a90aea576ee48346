#include "stratbench/harness/load/serve_cell.hpp"

#include <httplib.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "stratbench/harness/cell_process.hpp"
#include "stratbench/harness/load/load_run.hpp"
#include "stratbench/harness/spawn.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/model_config.hpp"
#include "stratbench/workloads/text/text_input.hpp"
#include "stratbench/workloads/workload.hpp"

namespace sb::load {
namespace {

// The server process: started, its output read until it says where it listens.
class ServerProcess {
 public:
  explicit ServerProcess(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    SpawnSpec spec;
    spec.argv = argv;
    spec.output_fd = fds[1];
    spec.die_with_parent = true;
    try {
      pid_ = spawn_process(spec);
    } catch (...) {
      ::close(fds[0]), ::close(fds[1]);
      throw;
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait_exit_code(pid_);
    }
    ::close(out_);
  }
  // The port from "listening on http://HOST:PORT", or 0 when the server ended first.
  int port() {
    const std::string key = "listening on http://";
    for (;;) {
      const auto nl = output_.find('\n', scanned_);
      if (nl == std::string::npos) {
        if (!read_more()) return 0;
        continue;
      }
      const std::string line = output_.substr(scanned_, nl - scanned_);
      scanned_ = nl + 1;
      if (const auto at = line.find(key); at != std::string::npos) {
        const auto colon = line.rfind(':');
        return colon != std::string::npos && colon > at ? std::atoi(line.c_str() + colon + 1) : 0;
      }
    }
  }
  std::uint64_t peak_rss_bytes() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
    return 0;
  }
  // SIGTERM, then the exit code; what it printed is in output().
  int terminate() {
    ::kill(pid_, SIGTERM);
    while (read_more()) {
    }
    const int code = wait_exit_code(pid_);
    pid_ = -1;
    return code;
  }
  const std::string& output() const { return output_; }

 private:
  bool read_more() {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(out_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      output_.append(buf, static_cast<std::size_t>(n));
      return true;
    }
  }
  pid_t pid_ = -1;
  int out_ = -1;
  std::string output_;
  std::size_t scanned_ = 0;
};

// The server's /metrics, the few that describe what the strategy did, as counters.
void scrape(int port, Cell& c) {
  httplib::Client cl("127.0.0.1", port);
  cl.set_read_timeout(10, 0);
  const auto r = cl.Get("/metrics");
  if (!r || r->status != 200) return;
  std::istringstream in(r->body);
  std::string name;
  double v = 0;
  const std::pair<const char*, const char*> keep[] = {
      {"stratbench_running_batch_peak", "server_running_peak"},
      {"stratbench_preemptions_total", "server_preemptions"},
      {"stratbench_prefix_cache_hit_blocks_total", "server_prefix_hit_blocks"},
      {"stratbench_answer_cache_hits_total", "server_answer_hits"},
      {"stratbench_forwards_total", "server_forwards"},
      {"stratbench_kv_live_position_steps_total", "server_kv_live_position_steps"},
      {"stratbench_kv_held_position_steps_total", "server_kv_held_position_steps"},
  };
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    if (!(ls >> name >> v)) continue;
    for (const auto& [metric, counter] : keep)
      if (name == metric) c.metrics.counters[counter] = v;
  }
  auto& k = c.metrics.counters;
  if (k.count("server_kv_held_position_steps") && k["server_kv_held_position_steps"] > 0)
    k["server_kv_utilisation"] = k["server_kv_live_position_steps"] / k["server_kv_held_position_steps"];
}

std::string tail(const std::string& s, std::size_t n) { return s.size() <= n ? s : "..." + s.substr(s.size() - n); }

}  // namespace

Cell run_serve_cell(const CellJob& job) {
  Cell c = job.cell;
  c.status = CellStatus::failed;
  const Params& p = c.params;
  const std::string model = str_param(p, "model");
  std::vector<std::string> argv = {self_executable(), "serve",
                                   "--port",          "0",
                                   "--model",         model,
                                   "--strategy",      c.strategy,
                                   "--slots",         std::to_string(int_param(p, "slots")),
                                   "--queue",         "1024",
                                   "--redis",         str_param(p, "redis")};
  if (const auto kv = int_param(p, "kv_positions"); kv > 0)
    argv.insert(argv.end(), {"--kv-positions", std::to_string(kv)});
  // A synthetic model has no vocabulary: the project's BPE reads the questions.
  for (const auto& n : llm::model_config_names())
    if (model == n) argv.insert(argv.end(), {"--vocab", text::datasets_dir() + "/model/bpe-4096.tiktoken"});
  ServerProcess server(argv);
  const int port = server.port();
  if (port == 0) {
    c.reason = "the server did not start: " + tail(server.output(), 600);
    return c;
  }
  LevelSpec l;
  l.rate = static_cast<double>(int_param(p, "rate"));
  l.requests = static_cast<int>(int_param(p, "requests"));
  l.dataset.kind = str_param(p, "dataset") == "shared-prefix" ? DatasetKind::shared_prefix : DatasetKind::qa;
  l.slo = parse_slo(str_param(p, "slo"));
  ClientOptions o;
  o.endpoints = {{"127.0.0.1", port}};
  const std::string corpus = text::datasets_dir() + "/corpus/corpus.txt";
  std::vector<char> buf;
  text::read_file_into(corpus, buf);
  const LevelRun run = run_level(std::string(buf.begin(), buf.end()), corpus, l, o);
  const Cell measured = load_cell(run.summary, run.recs, c.strategy, p, run.warmup_s, run.cooldown_s);
  c.samples = measured.samples;
  c.metrics = measured.metrics;
  c.status = measured.status;
  c.reason = measured.reason;
  scrape(port, c);
  c.metrics.memory.peak_rss_bytes = server.peak_rss_bytes();  // the server's, not the client's
  if (const int code = server.terminate(); code != 0) {
    c.status = CellStatus::failed;
    c.reason = "the server exited with " + std::to_string(code) + " after SIGTERM: " + tail(server.output(), 600);
  }
  return c;
}

}  // namespace sb::load
