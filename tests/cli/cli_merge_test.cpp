// `run --shard K/N` and `merge`, black-box: the shards of a matrix merge into the run the
// matrix gives unsharded (same cells, statuses, order), and bad merges are refused.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"
#include "stratbench/reports/json_schema.hpp"

namespace sb::test {
namespace {

using nlohmann::json;

const std::vector<std::string> kMatrix = {
    "-w", "fault",         "-p", "index=1-5", "-p", "mode=ok,wrong", "-p", "ms=0", "--min-samples",
    "3",  "--max-samples", "3",  "--budget",  "0",  "--warmup",      "0"};

Proc run(const std::string& out, const std::vector<std::string>& extra) {
  std::vector<std::string> a = {"run", "-o", out};
  a.insert(a.end(), kMatrix.begin(), kMatrix.end());
  a.insert(a.end(), extra.begin(), extra.end());
  return run_cli(a);
}

std::vector<std::pair<std::string, std::string>> ids_and_statuses(const json& r) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : r["cells"]) out.emplace_back(c["id"], c["status"]);
  return out;
}

TEST(CliMerge, ShardsMergeIntoTheUnshardedRun) {
  const std::string d = fresh_dir("merge-equal");
  ASSERT_EQ(run(d + "/all.json", {}).exit_code, 1);  // mode=wrong cells fail
  ASSERT_EQ(run(d + "/s1.json", {"--shard", "1/2"}).exit_code, 1);
  ASSERT_EQ(run(d + "/s2.json", {"--shard", "2/2"}).exit_code, 1);
  const json s1 = json::parse(slurp(d + "/s1.json"));
  EXPECT_EQ(s1["run"]["shard"]["count"], 2);
  EXPECT_EQ(s1["run"]["shard"]["matrix_cells"], 10);
  EXPECT_EQ(s1["cells"].size(), 5u);
  for (const auto& v : validate_against_schema(s1, run_schema_v1())) ADD_FAILURE() << v.path << ": " << v.message;
  const Proc m = run_cli({"merge", d + "/s2.json", d + "/s1.json", "-o", d + "/merged.json"});
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  EXPECT_NE(m.out.find("merged 2 shards of 2: 10 cells on 1 host"), std::string::npos) << m.out;
  const json all = json::parse(slurp(d + "/all.json"));
  const json merged = json::parse(slurp(d + "/merged.json"));
  EXPECT_EQ(ids_and_statuses(merged), ids_and_statuses(all));
  EXPECT_EQ(merged["run"]["config_hash"], all["run"]["config_hash"]);
  EXPECT_EQ(merged["run"]["shards"].size(), 2u);
  for (const auto& v : validate_against_schema(merged, run_schema_v1())) ADD_FAILURE() << v.path << ": " << v.message;
  for (const auto& c : merged["cells"]) EXPECT_TRUE(merged["run"]["hosts"].contains(c["host"].get<std::string>()));
  // Everything downstream reads it as a run: compare against the unsharded run.
  const Proc c = run_cli({"compare", d + "/all.json", d + "/merged.json"});
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_EQ(run_cli({"report", d + "/merged.json"}).exit_code, 0);
  // A dry run shows the shard's cells only.
  const Proc plan = run(d + "/unused.json", {"--shard", "2/2", "--dry-run"});
  EXPECT_NE(plan.out.find("5 cells, "), std::string::npos) << plan.out;
}

TEST(CliMerge, BadMergesAreRefusedNamingTheDifference) {
  const std::string d = fresh_dir("merge-bad");
  ASSERT_EQ(run(d + "/s1.json", {"--shard", "1/2"}).exit_code, 1);
  ASSERT_EQ(run(d + "/s2.json", {"--shard", "2/2"}).exit_code, 1);
  ASSERT_EQ(run(d + "/t1.json", {"--shard", "1/3"}).exit_code, 1);
  ASSERT_EQ(run(d + "/plain.json", {}).exit_code, 1);
  std::vector<std::string> other = {
      "run",           "-o", d + "/o2.json",  "--shard", "2/2",      "-w", "fault",    "-p", "index=7-9",
      "--min-samples", "3",  "--max-samples", "3",       "--budget", "0",  "--warmup", "0"};
  ASSERT_EQ(run_cli(other).exit_code, 0);
  const auto merge = [&](const std::vector<std::string>& files) {
    std::vector<std::string> a = {"merge", "-o", d + "/m.json"};
    a.insert(a.end(), files.begin(), files.end());
    return run_cli(a);
  };
  struct Case {
    std::vector<std::string> files;
    std::string says;
  } cases[] = {
      {{d + "/s1.json", d + "/s1.json"}, "shard 1/2 is also"},
      {{d + "/s1.json", d + "/t1.json"}, "shard count"},
      {{d + "/s1.json", d + "/o2.json"}, "config hash"},
      {{d + "/s1.json", d + "/plain.json"}, "not a shard"},
      {{d + "/s1.json"}, "shard 2/2 is missing"},
      {{d + "/nope.json"}, "nope.json"},
  };
  for (const auto& c : cases) {
    const Proc p = merge(c.files);
    EXPECT_EQ(p.exit_code, 2) << c.says << "\n" << p.out << p.err;
    EXPECT_NE(p.err.find(c.says), std::string::npos) << p.err;
    EXPECT_FALSE(exists(d + "/m.json")) << c.says;
  }
  // --allow-missing writes what there is, says what is not there, and exits 1.
  const Proc partial = run_cli({"merge", "--allow-missing", "-o", d + "/m.json", d + "/s1.json"});
  EXPECT_EQ(partial.exit_code, 1) << partial.err;
  EXPECT_NE(partial.out.find("missing: shard 2/2"), std::string::npos) << partial.out;
  EXPECT_EQ(json::parse(slurp(d + "/m.json"))["cells"].size(), 5u);
  // Shards cut from another commit: the header says so.
  json s2 = json::parse(slurp(d + "/s2.json"));
  s2["run"]["git"]["commit"] = "0000000";
  std::ofstream(d + "/s2-other.json") << s2.dump();
  const Proc commit = merge({d + "/s1.json", d + "/s2-other.json"});
  EXPECT_EQ(commit.exit_code, 2);
  EXPECT_NE(commit.err.find("stratbench commit"), std::string::npos) << commit.err;
}

TEST(CliMerge, AShardResumesWithItsOwnCells) {
  const std::string d = fresh_dir("merge-resume");
  ASSERT_EQ(run(d + "/s1.json", {"--shard", "1/2"}).exit_code, 1);
  const Proc again = run_cli({"run", "--resume", d + "/s1.jsonl"});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_NE(again.out.find("0 cells run, 5 resumed"), std::string::npos) << again.out;
  EXPECT_EQ(json::parse(slurp(d + "/s1.json"))["run"]["shard"]["index"], 1);
  const Proc mixed = run_cli({"run", "--resume", d + "/s1.jsonl", "--shard", "2/2"});
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_NE(mixed.err.find("--resume continues the log's own shard"), std::string::npos) << mixed.err;
  const Proc bad = run(d + "/x.json", {"--shard", "3/2"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--shard"), std::string::npos) << bad.err;
}

// Costs from an earlier run balance the shards: as a results file, or as the latest run of
// the same matrix in a history database.
TEST(CliMerge, ShardCostsComeFromAResultsFileOrTheHistory) {
  const std::string d = fresh_dir("merge-costs");
  ASSERT_EQ(run(d + "/all.json", {}).exit_code, 1);
  ASSERT_EQ(run_cli({"history", "add", d + "/all.json", "--db", d + "/h.db"}).exit_code, 0);
  for (const std::string& source : {d + "/all.json", d + "/h.db"}) {
    const Proc p = run(d + "/s.json", {"--shard", "1/2", "--shard-costs", source, "--dry-run"});
    EXPECT_EQ(p.exit_code, 0) << source << p.err;
  }
  std::vector<std::string> other = {"run",       "-o",        d + "/o.json", "--shard", "1/2", "--shard-costs",
                                    d + "/h.db", "--dry-run", "-w",          "fault",   "-p",  "index=7-9"};
  const Proc none = run_cli(other);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no run of this matrix"), std::string::npos) << none.err;
  const Proc alone = run(d + "/s.json", {"--shard-costs", d + "/all.json"});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_NE(alone.err.find("--shard-costs goes with --shard"), std::string::npos) << alone.err;
}

// A cell naming a host the header does not hold is refused by every reader.
TEST(CliMerge, ACellsHostMustBeOneOfTheRunsHosts) {
  const std::string d = fresh_dir("merge-host");
  ASSERT_EQ(run(d + "/s1.json", {"--shard", "1/1"}).exit_code, 1);
  ASSERT_EQ(run_cli({"merge", d + "/s1.json", "-o", d + "/m.json"}).exit_code, 0);
  json m = json::parse(slurp(d + "/m.json"));
  m["cells"][3]["host"] = "feedfacefeedface";
  std::ofstream(d + "/bad.json") << m.dump();
  const Proc p = run_cli({"report", d + "/bad.json"});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("cells[3].host: host 'feedfacefeedface' is not one of run.hosts"), std::string::npos) << p.err;
}

}  // namespace
}  // namespace sb::test
