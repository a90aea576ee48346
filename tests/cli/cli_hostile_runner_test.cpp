// The runner under hostile conditions (issue: hostile input): two runners on one log, a
// tight memory limit, logs edited by hand, failed cells retried, outputs that cannot be
// written, a full disk, bytes that are not UTF-8, and no files in the shared temp dir.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "cli_test_util.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const std::vector<std::string> kQuick = {"--min-samples", "3", "--budget",      "0",
                                         "--warmup",      "0", "--sample-time", "0.01"};

std::vector<std::string> quick(std::vector<std::string> args) {
  args.insert(args.end(), kQuick.begin(), kQuick.end());
  return args;
}

// In a forked child: becomes `stratbench args...` (the test binary), or exits 127.
[[noreturn]] void exec_cli(const std::vector<std::string>& args) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  std::string bin = STRATBENCH_TEST_BIN;
  argv.push_back(bin.data());
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::setenv("CI", "1", 1);
  ::execv(bin.c_str(), argv.data());
  ::_exit(127);
}

// Starts `stratbench args...` in the background, stdout to out_file and stderr to
// out_file.err; returns its pid.
pid_t spawn(const std::vector<std::string>& args, const std::string& out_file) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen(out_file.c_str(), "w", stdout) || !std::freopen((out_file + ".err").c_str(), "w", stderr))
      ::_exit(126);
    exec_cli(args);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<std::string> log_lines(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(slurp(path));
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(HostileRunner, ASecondRunnerOnTheSameOutputIsRefusedAtOnce) {
  const std::string dir = fresh_dir("hostile-lock");
  const std::string results = dir + "/r.json", log = dir + "/r.jsonl";
  const pid_t first =
      spawn(quick({"run", "-w", "fault", "-p", "index=1-4", "-p", "ms=200", "-o", results}), dir + "/first.out");
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (log_lines(log).empty() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_FALSE(log_lines(log).empty());
  const auto t0 = Clock::now();
  Proc second = run_cli(quick({"run", "-w", "fault", "-p", "index=1-4", "-o", results}));
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 10.0) << "refused at once, not after running";
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_NE(second.err.find("r.jsonl: in use by another stratbench run (pid " + std::to_string(first) + ")"),
            std::string::npos)
      << second.err;
  Proc resume = run_cli({"run", "--resume", log});
  EXPECT_EQ(resume.exit_code, 2) << resume.err;
  EXPECT_NE(resume.err.find("in use by another stratbench run"), std::string::npos) << resume.err;
  ASSERT_EQ(wait_exit(first), 0) << slurp(dir + "/first.out.err");
  // The first run's log and results are whole: the resume reads them back.
  EXPECT_EQ(read_run_file(results).cells.size(), 4u);
  Proc again = run_cli({"run", "--resume", log});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("4 resumed from the log"), std::string::npos) << again.out;
}

TEST(HostileRunner, AMemoryLimitNeverHangsACellThatFitsAndStopsOneThatDoesNot) {
  const std::string dir = fresh_dir("hostile-memory");
  // OpenBLAS is loaded in every cell; under the old address-space limit this cell hung.
  const auto t0 = Clock::now();
  Proc fits = run_cli(quick({"run", "-w", "gemm", "-s", "blas,naive", "-p", "m=48", "-p", "n=48", "-p", "k=48",
                             "--memory-limit", "150M", "--timeout", "60", "-o", dir + "/fits.json"}));
  EXPECT_EQ(fits.exit_code, 0) << fits.err << fits.out;
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 30.0);
  for (const auto& c : read_run_file(dir + "/fits.json").cells) EXPECT_EQ(c.status, CellStatus::ok) << c.reason;

  const auto t1 = Clock::now();
  Proc hog = run_cli(quick(
      {"run", "-w", "fault", "-p", "mode=oom", "--memory-limit", "200M", "--timeout", "60", "-o", dir + "/hog.json"}));
  EXPECT_EQ(hog.exit_code, 1);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t1).count(), 30.0) << "failed promptly, not at the timeout";
  const Cell c = read_run_file(dir + "/hog.json").cells.at(0);
  EXPECT_EQ(c.status, CellStatus::failed);
  EXPECT_NE(c.reason.find("out of memory: resident set"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("limit of 200 MiB"), std::string::npos) << c.reason;
}

TEST(HostileRunner, ResumeChecksEveryRecordAgainstTheSchemaAndTheMatrix) {
  const std::string dir = fresh_dir("hostile-resume");
  Proc p = run_cli(quick({"run", "-w", "fault", "-p", "index=1-3", "-o", dir + "/r.json"}));
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const auto lines = log_lines(dir + "/r.jsonl");
  ASSERT_EQ(lines.size(), 4u);
  auto variant = [&](const std::string& name, const std::function<void(json&)>& edit) {
    json cell = json::parse(lines[2]);
    edit(cell["cell"]);
    const std::string path = dir + "/" + name + ".jsonl";
    std::ofstream(path) << lines[0] << "\n" << lines[1] << "\n" << cell.dump() << "\n";
    return path;
  };
  struct Case {
    std::string name, needle;
    std::function<void(json&)> edit;
  };
  const std::vector<Case> cases = {
      {"nometrics", "line 3: metrics.latency_ms: an ok cell needs", [](json& c) { c.erase("metrics"); }},
      {"params", "line 3: cell", [](json& c) { c["params"]["index"] = 3; }},
      {"stranger", "is not a cell of the log's matrix", [](json& c) { c["id"] = "0123456789abcdef"; }},
      {"negative", "line 3: samples.time_s[0]: a sample cannot be negative",
       [](json& c) { c["samples"]["time_s"][0] = -1; }},
  };
  for (const auto& c : cases) {
    const std::string log = variant(c.name, c.edit);
    const std::string before = slurp(log);
    Proc r = run_cli({"run", "--resume", log, "-o", dir + "/" + c.name + ".json"});
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << c.name << ": " << r.err;
    EXPECT_EQ(slurp(log), before) << c.name << ": a refused log is left as it was";
    EXPECT_FALSE(exists(dir + "/" + c.name + ".json"));
  }
  const std::string params_log = dir + "/params.jsonl";
  EXPECT_NE(run_cli({"run", "--resume", params_log}).err.find("but that id is fault"), std::string::npos);
}

TEST(HostileRunner, RetryFailedRunsOnlyTheFailedCellsAgain) {
  const std::string dir = fresh_dir("hostile-retry");
  Proc p = run_cli(quick({"run", "-w", "fault", "-p", "mode=ok,exit", "-o", dir + "/r.json"}));
  ASSERT_EQ(p.exit_code, 1) << p.err;
  Proc plain = run_cli({"run", "--resume", dir + "/r.jsonl"});
  EXPECT_NE(plain.out.find("0 cells run, 2 resumed"), std::string::npos) << plain.out;
  Proc retry = run_cli({"run", "--resume", dir + "/r.jsonl", "--retry-failed"});
  EXPECT_EQ(retry.exit_code, 1);
  EXPECT_NE(retry.out.find("1 cells run, 1 resumed"), std::string::npos) << retry.out;
  EXPECT_EQ(log_lines(dir + "/r.jsonl").size(), 4u) << "header, two cells, the retried one";
  EXPECT_EQ(read_run_file(dir + "/r.json").cells.size(), 2u);
  Proc alone = run_cli({"run", "-w", "fault", "--retry-failed", "-o", dir + "/x.json"});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_NE(alone.err.find("--retry-failed goes with --resume"), std::string::npos);
}

TEST(HostileRunner, NothingIsWrittenToTheSharedTempDirectory) {
  // The runner used to keep each cell's job in $TMPDIR under a predictable name while the
  // cell ran, where another user could plant a symlink. Watch $TMPDIR while cells run.
  const std::string dir = fresh_dir("hostile-tmp"), tmp = fresh_dir("hostile-tmp-shared");
  ::setenv("TMPDIR", tmp.c_str(), 1);
  const pid_t pid =
      spawn(quick({"run", "-w", "fault", "-p", "index=1-2", "-p", "ms=100", "-o", dir + "/r.json"}), dir + "/out");
  ::unsetenv("TMPDIR");
  int seen = 0, status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    seen = std::max(seen, file_count(tmp));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(dir + "/out.err");
  EXPECT_EQ(seen, 0);
  EXPECT_EQ(file_count(tmp), 0);
}

TEST(HostileRunner, UnwritableOutputsAreRefusedBeforeAnyWork) {
  const std::string dir = fresh_dir("hostile-outputs");
  Proc as_dir = run_cli(quick({"run", "-w", "fault", "-o", dir}));
  EXPECT_EQ(as_dir.exit_code, 2);
  EXPECT_NE(as_dir.err.find("is a directory"), std::string::npos) << as_dir.err;
  EXPECT_EQ(as_dir.out.find("cells run"), std::string::npos) << "no cell ran";
  EXPECT_FALSE(exists(dir + ".jsonl"));
  Proc report = run_cli({"report", "x.json", "-o", "/nonexistent/o.txt"});
  EXPECT_EQ(report.exit_code, 2);
  EXPECT_NE(report.err.find("/nonexistent/o.txt: directory /nonexistent: No such file or directory"), std::string::npos)
      << report.err;
  Proc gate = run_cli({"gate", "--policy", "p.json", "a.json", "b.json", "--summary", "/nonexistent/s.md"});
  EXPECT_EQ(gate.exit_code, 2);
  EXPECT_NE(gate.err.find("/nonexistent/s.md"), std::string::npos) << gate.err;
  // A log whose header names a directory that is gone: refused before a cell runs.
  ASSERT_EQ(run_cli(quick({"run", "-w", "fault", "-p", "index=1-2", "-o", dir + "/sub/r.json"})).exit_code, 2);
  std::filesystem::create_directories(dir + "/sub");
  ASSERT_EQ(run_cli(quick({"run", "-w", "fault", "-p", "index=1-2", "-o", dir + "/sub/r.json"})).exit_code, 0);
  std::filesystem::rename(dir + "/sub/r.jsonl", dir + "/moved.jsonl");
  std::filesystem::remove_all(dir + "/sub");
  Proc resume = run_cli({"run", "--resume", dir + "/moved.jsonl"});
  EXPECT_EQ(resume.exit_code, 2);
  EXPECT_NE(resume.err.find("sub/r.json: directory"), std::string::npos) << resume.err;
}

TEST(HostileRunner, ACellWhoseOutputIsNotUtf8FailsWithoutStoppingTheRun) {
  const std::string dir = fresh_dir("hostile-garble");
  Proc p = run_cli(quick({"run", "-w", "fault", "-p", "mode=garble,ok", "-o", dir + "/r.json"}));
  EXPECT_EQ(p.exit_code, 1) << p.err;
  const RunFile r = read_run_file(dir + "/r.json");
  ASSERT_EQ(r.cells.size(), 2u);
  EXPECT_NE(r.cells[0].reason.find("bad bytes \xEF\xBF\xBD"), std::string::npos) << r.cells[0].reason;
  EXPECT_EQ(r.cells[1].status, CellStatus::ok);
  EXPECT_EQ(p.out.find('\x1b'), std::string::npos) << "the escape reached the terminal";
}

TEST(HostileRunner, ADryRunValidatesAndPrintsTheCellsButWritesNothing) {
  const std::string dir = fresh_dir("hostile-dry");
  Proc p = run_cli({"run", "--dry-run", "-w", "fault", "-p", "index=1-3"}, dir);
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("3 cells, 3 to run, 0 skipped (dry run)"), std::string::npos) << p.out;
  EXPECT_EQ(file_count(dir), 0) << "not even results/";
  Proc bad = run_cli({"run", "-n", "-w", "fault", "-p", "index=0"}, dir);
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(HostileRunner, NonUtf8ArgumentsAreRefusedAndLeaveNothing) {
  const std::string dir = fresh_dir("hostile-utf8");
  for (const auto& args : std::vector<std::vector<std::string>>{{"run", "-w", "fault", "-o", "x\xff.json"},
                                                                {"run", "-w", "tokenize", "-p", "input=s\xff.txt"},
                                                                {"report", "\xc0\xaf.json"}}) {
    Proc p = run_cli(args, dir);
    EXPECT_EQ(p.exit_code, 2) << p.err;
    EXPECT_NE(p.err.find("is not valid UTF-8"), std::string::npos) << p.err;
  }
  EXPECT_EQ(file_count(dir), 0);
}

// A full disk, made with RLIMIT_FSIZE in the child only: its writes to files past the
// limit fail with EFBIG. Its output comes back through a pipe, which the limit spares.
Proc run_with_file_limit(const std::vector<std::string>& args, rlim_t bytes) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    ::signal(SIGXFSZ, SIG_IGN);  // the write fails instead of killing the process
    rlimit lim{bytes, bytes};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    exec_cli(args);
  }
  ::close(fds[1]);
  Proc p;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) p.err.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  p.exit_code = wait_exit(pid);
  return p;
}

TEST(HostileRunner, AFullDiskIsReportedWithItsReasonAndReplacesNothing) {
  const std::string dir = fresh_dir("hostile-full");
  ASSERT_EQ(run_cli(quick({"run", "-w", "fault", "-p", "index=1-2", "-o", dir + "/r.json"})).exit_code, 0);
  const std::string log = slurp(dir + "/r.jsonl"), results = slurp(dir + "/r.json");
  Proc run = run_with_file_limit(quick({"run", "-w", "fault", "-p", "index=1-2", "-o", dir + "/r.json"}), 64);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("r.jsonl: cannot write the run log: File too large"), std::string::npos) << run.err;
  EXPECT_EQ(slurp(dir + "/r.jsonl"), log) << "the old log stays until a new one is written";
  EXPECT_EQ(slurp(dir + "/r.json"), results);
  Proc report = run_with_file_limit({"report", dir + "/r.json", "--format", "json", "-o", dir + "/r.json"}, 64);
  EXPECT_EQ(report.exit_code, 2) << report.err;
  EXPECT_NE(report.err.find("cannot write: File too large"), std::string::npos) << report.err;
  EXPECT_EQ(slurp(dir + "/r.json"), results);
  EXPECT_EQ(file_count(dir), 2) << "no temp file left behind";
}

TEST(HostileRunner, TimeoutsPrintTheirFractionAndInterruptsCountTheSkipped) {
  const std::string dir = fresh_dir("hostile-minor");
  Proc p = run_cli(quick({"run", "-w", "fault", "-p", "mode=hang", "--timeout", "0.5", "-o", dir + "/t.json"}));
  EXPECT_EQ(p.exit_code, 1);
  EXPECT_NE(read_run_file(dir + "/t.json").cells.at(0).reason.find("timed out after 0.5 s"), std::string::npos);

  const pid_t pid =
      spawn(quick({"run", "-w", "fault", "-p", "index=1-6", "-p", "ms=300", "-o", dir + "/s.json"}), dir + "/s.out");
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (log_lines(dir + "/s.jsonl").size() < 2 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 130);
  const RunFile r = read_run_file(dir + "/s.json");
  int skipped = 0;
  for (const auto& c : r.cells) skipped += c.status == CellStatus::skipped;
  EXPECT_GT(skipped, 0);
  const std::string summary = slurp(dir + "/s.out");
  EXPECT_NE(summary.find("resumed from the log, " + std::to_string(skipped) + " skipped"), std::string::npos)
      << summary;
  Proc resume = run_cli({"run", "--resume", dir + "/s.jsonl"});
  EXPECT_NE(resume.out.find(std::to_string(skipped) + " cells run"), std::string::npos) << resume.out;
}

}  // namespace
}  // namespace sb::test
