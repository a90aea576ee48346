// Fault isolation with real misbehaving cells, and resume after the runner is SIGKILLed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <sstream>
#include <thread>

#include "cli_test_util.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::test {
namespace {

std::map<std::string, Cell> by_mode(const RunFile& r) {
  std::map<std::string, Cell> out;
  for (const auto& c : r.cells) out[std::get<std::string>(c.params.at("mode"))] = c;
  return out;
}

TEST(Runner, CrashHangExitOomAndWrongCellsAreRecordedAndTheMatrixGoesOn) {
  const std::string dir = fresh_dir("runner-faults");
  // The timeout is generous so that on a loaded machine (ctest -j beside other builds) only
  // the hanging cell meets it.
  Proc p =
      run_cli({"run", "-w", "fault", "-p", "mode=crash,hang,exit,oom,wrong,ok", "--timeout", "10", "--memory-limit",
               "1G", "--min-samples", "3", "--budget", "0.2", "--sample-time", "0.01", "-o", dir + "/r.json"});
  EXPECT_EQ(p.exit_code, 1) << p.err;  // failures make the run's answer negative
  RunFile r = read_run_file(dir + "/r.json");
  auto cells = by_mode(r);
  ASSERT_EQ(cells.size(), 6u);
  EXPECT_EQ(cells["crash"].status, CellStatus::failed);
  EXPECT_NE(cells["crash"].reason.find("signal 11"), std::string::npos) << cells["crash"].reason;
  EXPECT_EQ(cells["hang"].status, CellStatus::timeout);
  EXPECT_NE(cells["hang"].reason.find("timed out after 10 s"), std::string::npos) << cells["hang"].reason;
  EXPECT_EQ(cells["exit"].status, CellStatus::failed);
  EXPECT_NE(cells["exit"].reason.find("exited with code 7"), std::string::npos);
  EXPECT_EQ(cells["oom"].status, CellStatus::failed);
  EXPECT_NE(cells["oom"].reason.find("out of memory"), std::string::npos) << cells["oom"].reason;
  EXPECT_EQ(cells["wrong"].status, CellStatus::failed);
  EXPECT_NE(cells["wrong"].reason.find("wrong result"), std::string::npos);
  EXPECT_EQ(cells["ok"].status, CellStatus::ok) << cells["ok"].reason;
  EXPECT_FALSE(cells["crash"].metrics.latency_ms.has_value());
}

int count_cell_lines(const std::string& log) {
  int n = 0;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) n += line.find("\"type\":\"cell\"") != std::string::npos;
  return n;
}

TEST(Runner, ResumeAfterSigkillLosesNothingAndRerunsNothing) {
  const std::string dir = fresh_dir("runner-resume");
  const std::string results = dir + "/r.json", log = dir + "/r.jsonl";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    const std::string bin = STRATBENCH_TEST_BIN;
    ::setenv("CI", "1", 1);
    ::execl(bin.c_str(), bin.c_str(), "run", "-w", "fault", "-p", "index=1-8", "-p", "ms=50", "--min-samples", "3",
            "--budget", "0", "--warmup", "0", "--sample-time", "0.05", "-o", results.c_str(), nullptr);
    ::_exit(127);
  }
  // Wait for three finished cells, then kill the runner without warning.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (count_cell_lines(slurp(log)) < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string before = slurp(log);
  const int finished_before = count_cell_lines(before);
  ASSERT_GE(finished_before, 3);
  ASSERT_LT(finished_before, 8) << "the run finished before it could be killed";
  EXPECT_FALSE(exists(results));

  Proc p = run_cli({"run", "--resume", log});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const std::string after = slurp(log);
  // The log only grew: every line written before the kill is still there, unchanged.
  EXPECT_EQ(after.substr(0, before.size()), before);
  EXPECT_EQ(count_cell_lines(after), 8);
  RunFile r = read_run_file(results);
  ASSERT_EQ(r.cells.size(), 8u);
  for (const auto& c : r.cells) EXPECT_EQ(c.status, CellStatus::ok) << c.reason;
  EXPECT_NE(p.out.find(std::to_string(finished_before) + " resumed from the log"), std::string::npos) << p.out;
}

}  // namespace
}  // namespace sb::test

namespace sb::test {
namespace {

TEST(Runner, FirstInterruptStopsAfterTheCurrentCellAndKeepsWhatFinished) {
  const std::string dir = fresh_dir("runner-sigint");
  const std::string results = dir + "/r.json", log = dir + "/r.jsonl";
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string bin = STRATBENCH_TEST_BIN;
    ::setenv("CI", "1", 1);
    ::execl(bin.c_str(), bin.c_str(), "run", "-w", "fault", "-p", "index=1-6", "-p", "ms=100", "--min-samples", "3",
            "--budget", "0", "--warmup", "0", "--sample-time", "0.1", "-o", results.c_str(), nullptr);
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (count_cell_lines(slurp(log)) < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  // The cell that was running when Ctrl-C came finished and was kept; the rest wait.
  RunFile r = read_run_file(results);
  ASSERT_EQ(r.cells.size(), 6u);
  int ok = 0, waiting = 0;
  for (const auto& c : r.cells) {
    ok += c.status == CellStatus::ok;
    waiting += c.status == CellStatus::skipped && c.reason.find("interrupted") != std::string::npos;
  }
  EXPECT_EQ(ok, count_cell_lines(slurp(log)));
  EXPECT_GE(ok, 2);
  EXPECT_EQ(ok + waiting, 6);
  Proc p = run_cli({"run", "--resume", log});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(count_cell_lines(slurp(log)), 6);
}

}  // namespace
}  // namespace sb::test
