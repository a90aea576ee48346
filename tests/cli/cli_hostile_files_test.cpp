// Hostile JSON inputs (issue: hostile input): duplicate ids, numbers out of range, integers
// that used to wrap, records that contradict the schema, misplaced keys. Each must be
// exit 2 with a message naming the file and the field, never exit 3.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "../reports/gate_fixture.hpp"
#include "cli_test_util.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::test {
namespace {

using nlohmann::json;

struct Dir {
  std::string dir, base, next, policy;
};

Dir pair_files(const std::string& name) {
  Dir d;
  d.dir = fresh_dir(name);
  auto [base, next] = crafted_pair(1.0, 1.0, 1.0, 1.0);
  d.base = d.dir + "/base.json";
  d.next = d.dir + "/new.json";
  d.policy = d.dir + "/policy.json";
  write_run_file_atomic(d.base, base);
  write_run_file_atomic(d.next, next);
  std::ofstream(d.policy) << R"({"schema":"stratbench/policy/v1","timing":{"alpha":0.01,"min_ratio":1.02}})";
  return d;
}

// Rewrites a JSON file through `edit` and saves it under `name` beside it.
std::string edited(const std::string& path, const std::string& name, const std::function<void(json&)>& edit) {
  json j = json::parse(slurp(path));
  edit(j);
  const std::string out = path.substr(0, path.rfind('/') + 1) + name;
  std::ofstream(out) << j.dump();
  return out;
}

std::string write(const std::string& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir + "/" + name) << text;
  return dir + "/" + name;
}

void expect_exit2(const std::vector<std::string>& args, const std::vector<std::string>& needles,
                  const std::string& cwd = "") {
  Proc p = run_cli(args, cwd);
  std::string all;
  for (const auto& a : args) all += a + " ";
  EXPECT_EQ(p.exit_code, 2) << all << "\nstderr: " << p.err << "\nstdout: " << p.out;
  EXPECT_EQ(p.err.find("internal error"), std::string::npos) << all << "\n" << p.err;
  for (const auto& n : needles)
    EXPECT_NE(p.err.find(n), std::string::npos) << all << "\nwant: " << n << "\nstderr: " << p.err;
}

TEST(HostileFiles, DuplicateCellIdsAreRefusedByCompareGateReportAndHistory) {
  Dir d = pair_files("hostile-dup");
  const std::string dup = edited(d.next, "dup.json", [](json& j) { j["cells"][1]["id"] = j["cells"][0]["id"]; });
  expect_exit2({"compare", d.base, dup}, {"dup.json", "cells[1].id", "duplicate cell id", "cells[0].id"});
  expect_exit2({"gate", "--policy", d.policy, d.base, dup}, {"dup.json", "cells[1].id", "cells[0].id"});
  expect_exit2({"report", dup}, {"cells[1].id"});
  expect_exit2({"history", "add", dup, "--db", d.dir + "/h.db"}, {"cells[1].id"});
  EXPECT_FALSE(exists(d.dir + "/h.db"));
}

TEST(HostileFiles, RecordsThatContradictTheSchemaAreRefused) {
  Dir d = pair_files("hostile-records");
  const std::string negative =
      edited(d.next, "neg.json", [](json& j) { j["cells"][0]["samples"]["time_s"][2] = -0.5; });
  expect_exit2({"compare", d.base, negative}, {"neg.json", "cells[0].samples.time_s[2]", "negative"});
  const std::string no_latency =
      edited(d.next, "nolat.json", [](json& j) { j["cells"][1]["metrics"].erase("latency_ms"); });
  expect_exit2({"compare", d.base, no_latency}, {"nolat.json", "cells[1].metrics.latency_ms", "ok cell"});
  const std::string no_samples = edited(d.next, "nosamp.json", [](json& j) { j["cells"][3].erase("samples"); });
  expect_exit2({"gate", "--policy", d.policy, d.base, no_samples}, {"nosamp.json", "cells[3].samples.time_s"});
}

TEST(HostileFiles, NumbersBeyondDoubleNameTheFileAndField) {
  Dir d = pair_files("hostile-overflow");
  // nlohmann's dump cannot write 1e400, so the text is edited directly.
  std::string text = slurp(d.next);
  const auto at = text.find("\"p50\": ");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, text.find(',', at) - at, "\"p50\": 1e400");
  const std::string big = write(d.dir, "big.json", text);
  expect_exit2({"report", big}, {"big.json", "cells[0].metrics.latency_ms.p50", "number out of range", "1e400"});
  expect_exit2({"compare", d.base, big}, {"big.json", "latency_ms.p50"});
  expect_exit2({"gate", "--policy", d.policy, d.base, big}, {"big.json", "latency_ms.p50"});
  expect_exit2({"history", "add", big, "--db", d.dir + "/h.db"}, {"big.json", "latency_ms.p50"});
  const std::string policy = write(d.dir, "p.json", R"({"schema":"stratbench/policy/v1","timing":{"alpha":1e400}})");
  expect_exit2({"gate", "--policy", policy, d.base, d.next}, {"p.json", "timing.alpha", "out of range"});
  const std::string matrix = write(d.dir, "m.json", R"({"workloads":["gemm"],"params":{"m":[16, 1e999]}})");
  expect_exit2({"run", "-m", matrix}, {"m.json", "params.m[1]", "out of range"}, d.dir);
  const std::string ids = write(d.dir, "ids.json", "[1, 2, -1e500]");
  expect_exit2({"tokenize", "--decode", ids}, {"ids.json", "[2]", "out of range"});
}

TEST(HostileFiles, IntegersThatWouldWrapAreOutOfRange) {
  Dir d = pair_files("hostile-wrap");
  expect_exit2({"run", "-w", "gemm", "--min-samples", "4294967299"}, {"--min-samples", "out of range"}, d.dir);
  expect_exit2({"run", "-w", "gemm", "--max-samples", "-4294967296"}, {"--max-samples", "out of range"}, d.dir);
  const std::string m = write(d.dir, "m.json", R"({"workloads":["gemm"],"measure":{"min_samples":4294967301}})");
  expect_exit2({"run", "-m", m}, {"m.json", "measure.min_samples", "out of range"}, d.dir);
  const std::string cores = edited(d.next, "cores.json", [](json& j) { j["run"]["host"]["cores"] = 1ull << 40; });
  expect_exit2({"report", cores}, {"cores.json", "run.host.cores", "out of range"});
  expect_exit2({"gate", "--policy", d.policy, "--pairs", "4294967301", "--interleave"}, {"--pairs", "out of range"});
  EXPECT_EQ(file_count(d.dir), 5) << "only the test's own files";
}

TEST(HostileFiles, MisplacedAndUnknownKeysAreErrors) {
  Dir d = pair_files("hostile-keys");
  const std::string measure =
      write(d.dir, "m1.json", R"({"matrices":[{"workloads":["gemm"],"measure":{"min_samples":50}}]})");
  expect_exit2({"run", "-m", measure}, {"m1.json", "matrices[0].measure", "belongs at the top"}, d.dir);
  const std::string nested =
      write(d.dir, "m2.json", R"({"matrices":[{"workloads":["gemm"],"matrices":[{"workloads":["nope"]}]}]})");
  expect_exit2({"run", "-m", nested}, {"m2.json", "matrices[0].matrices"}, d.dir);
  const std::string unknown =
      write(d.dir, "m3.json", R"({"matrices":[{"workloads":["gemm"],"strategy":["blocked"]}]})");
  expect_exit2({"run", "-m", unknown}, {"m3.json", "matrices[0].strategy", "unknown field"}, d.dir);
  for (const char* rule :
       {R"("max_ratio": -1)", R"("max_ratio": 0.5)", R"("max_increase": -3)", R"("min": 5, "max": 1)"}) {
    const std::string p =
        write(d.dir, "p.json",
              std::string(R"({"schema":"stratbench/policy/v1","limits":{"memory.peak_rss_bytes":{)") + rule + "}}}");
    expect_exit2({"gate", "--policy", p, d.base, d.next}, {"p.json", "limits.memory.peak_rss_bytes."});
  }
  // Identical runs still pass a sane policy.
  const std::string sane = write(
      d.dir, "ok.json", R"({"schema":"stratbench/policy/v1","limits":{"memory.peak_rss_bytes":{"max_ratio":1}}})");
  EXPECT_EQ(run_cli({"gate", "--policy", sane, d.base, d.base}).exit_code, 0);
}

}  // namespace
}  // namespace sb::test
