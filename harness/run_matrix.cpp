#include "stratbench/harness/run_matrix.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>

#include "stratbench/harness/cell_process.hpp"
#include "stratbench/harness/host_info.hpp"
#include "stratbench/harness/progress.hpp"
#include "stratbench/harness/run_log.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb {
namespace {

std::atomic<int> g_interrupts{0};

extern "C" void on_interrupt(int) {
  const int n = g_interrupts.fetch_add(1) + 1;
  const char* msg = n == 1 ? "\nstratbench: stopping after the current cell (Ctrl-C again to kill it)\n"
                           : "\nstratbench: killing the current cell\n";
  // write() is async-signal-safe; stdio is not.
  [[maybe_unused]] auto r = ::write(STDERR_FILENO, msg, __builtin_strlen(msg));
}

// A resumed cell must be the plan's cell of that id, field for field: a log edited by hand
// or written by another matrix must not smuggle a result in under the wrong name.
void check_resumed(const std::vector<CellPlan>& plan, const RunLogContents& prev) {
  std::map<std::string, const Cell*> planned;
  for (const auto& p : plan) planned[p.cell.id] = &p.cell;
  for (std::size_t i = 0; i < prev.cells.size(); ++i) {
    const Cell& c = prev.cells[i];
    const std::string& where = prev.cell_lines[i];
    auto it = planned.find(c.id);
    if (it == planned.end()) throw InputError(where + ": cell " + c.id + " is not a cell of the log's matrix");
    const Cell& want = *it->second;
    if (c.workload != want.workload || c.strategy != want.strategy || c.device != want.device ||
        c.params != want.params)
      throw InputError(where + ": cell " + c.id + " says " + c.workload + " " + c.strategy + " " +
                       params_to_string(c.params) + " " + c.device + ", but that id is " + want.workload + " " +
                       want.strategy + " " + params_to_string(want.params) + " " + want.device);
    if (c.status == CellStatus::skipped)
      throw InputError(where + ": cell " + c.id + ": a log holds only cells that ran");
  }
}

// A shard's cells of the whole plan, as its header lists them; a header whose cells are not
// the plan's at those positions (a log edited by hand, or of another matrix) is refused.
std::vector<CellPlan> shard_plan(const std::vector<CellPlan>& full, const ShardInfo& s) {
  if (s.matrix_cells != full.size())
    throw InputError("shard " + std::to_string(s.index) + "/" + std::to_string(s.count) + " was cut from " +
                     std::to_string(s.matrix_cells) + " cells, but the matrix has " + std::to_string(full.size()));
  std::vector<CellPlan> out;
  for (std::size_t i = 0; i < s.cells.size(); ++i) {
    if (s.positions[i] >= full.size() || full[s.positions[i]].cell.id != s.cells[i])
      throw InputError("shard cell " + s.cells[i] + " is not the matrix's cell at position " +
                       std::to_string(s.positions[i]));
    out.push_back(full[s.positions[i]]);
  }
  return out;
}

}  // namespace

std::string trace_folder_name(const std::string& results_path) {
  std::filesystem::path p = std::filesystem::path(results_path).filename();
  if (p.extension() == ".json") p.replace_extension();
  return p.string() + ".traces";
}

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

std::string config_hash(const std::vector<CellPlan>& plan, const MatrixSpec& spec) {
  // The injected slowdown is what a gate validation varies between arms on purpose; it
  // must not make the two arms' configurations look different.
  nlohmann::json measure = to_json(spec.measure);
  measure.erase("inject_slowdown");
  std::string key = measure.dump();
  for (const auto& p : plan) key += "|" + p.cell.id;
  return stable_hash_hex(key);
}

RunOutcome run_matrix(const RunRequest& req) {
  RunOutcome out;
  MatrixSpec spec = req.spec;
  RunHeader header;
  std::map<std::string, Cell> done;
  std::unique_ptr<RunLogWriter> log;
  out.results_path = req.results_path;
  out.log_path = req.log_path;

  RunLogContents prev;
  if (!req.resume_log.empty()) {
    log = std::make_unique<RunLogWriter>(req.resume_log);  // locked before it is read
    prev = parse_run_log(log->text(), req.resume_log);
    spec = prev.spec;
    header = prev.header;
    if (out.results_path.empty()) out.results_path = prev.results_path;
    check_output_path(out.results_path);
    out.log_path = req.resume_log;
  }
  const std::vector<CellPlan> full = expand(spec);
  if (req.resume_log.empty() && req.shard.count > 0)
    header.shard = assign_shard(full, req.shard.index, req.shard.count, req.shard.costs);
  const std::vector<CellPlan> plan = header.shard ? shard_plan(full, *header.shard) : full;
  if (!req.resume_log.empty()) {
    check_resumed(plan, prev);
    for (auto& c : prev.cells) {
      const bool failed = c.status == CellStatus::failed || c.status == CellStatus::timeout;
      if (req.retry_failed && failed)
        done.erase(c.id);
      else
        done[c.id] = std::move(c);
    }
  } else {
    header.started = utc_timestamp();
    header.id = header.started + "-" + std::to_string(::getpid());
    header.command = req.command;
    header.git = collect_git_info();
    header.host = collect_host_info();
    // Over the whole matrix: every shard of it, and the merged run, share the hash.
    header.config_hash = config_hash(full, spec);
    log = std::make_unique<RunLogWriter>(out.log_path, header, spec, out.results_path);
  }

  int to_run = 0;
  for (const auto& p : plan)
    if (p.runnable && !done.count(p.cell.id)) ++to_run;
  Progress progress(to_run, req.terminal);
  if (!done.empty())
    progress.message("resuming " + out.log_path + ": " + std::to_string(done.size()) + " cells already finished");

  const std::string self = self_executable();
  std::map<std::string, Cell> results;
  int index = 0;
  for (const auto& p : plan) {
    if (!p.runnable) {
      ++out.skipped;
      continue;
    }
    if (auto it = done.find(p.cell.id); it != done.end()) {
      results[p.cell.id] = it->second;
      ++out.reused;
      continue;
    }
    if (g_interrupts.load() > 0) {
      out.interrupted = true;
      break;
    }
    ++index;
    progress.cell_started(index, p.cell);
    CellJob job{p.cell, spec.measure, spec.profile, "", ""};
    if (spec.profile.any()) {
      job.trace_ref = trace_folder_name(out.results_path) + "/" + p.cell.id + ".json";
      job.trace_path = (std::filesystem::path(out.results_path).parent_path() / job.trace_ref).string();
    }
    CellProcessResult r = run_cell_process(self, job, spec.runner, [] { return g_interrupts.load() > 1; });
    // The runner and its cell signalled together (a batch system ending the job signals
    // every process it started; so does a kill of the whole tree): the cell did not fail,
    // it was stopped, and it runs again on --resume.
    const bool stopped_with_runner = g_interrupts.load() > 0 && (r.signal == SIGTERM || r.signal == SIGINT ||
                                                                 r.signal == SIGHUP || r.signal == SIGKILL);
    if (r.interrupted || stopped_with_runner) {
      out.interrupted = true;
      progress.message("cell " + p.cell.id + " killed; it will run again on --resume");
      break;
    }
    log->append(r.cell);
    progress.cell_finished(index, r.cell);
    results[p.cell.id] = r.cell;
    ++out.ran;
  }
  if (g_interrupts.load() > 0) out.interrupted = true;
  progress.done();

  header.finished = utc_timestamp();
  out.run.run = header;
  for (const auto& p : plan) {
    if (auto it = results.find(p.cell.id); it != results.end()) {
      out.run.cells.push_back(it->second);
    } else {
      Cell c = p.cell;
      c.status = CellStatus::skipped;
      if (p.runnable) {
        c.reason = "not run: the run was interrupted (resume with --resume " + out.log_path + ")";
        ++out.skipped;
      }
      out.run.cells.push_back(c);
    }
  }
  write_run_file_atomic(out.results_path, out.run);
  return out;
}

}  // namespace sb
