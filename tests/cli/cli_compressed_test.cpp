// The default matrix's compressed cells as a user runs them: on the teacher shipped in
// datasets/model (trained by scripts/train-reference-models.sh), one cell of each
// compression beside int4 and the dense model, and the distilled student.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_test_util.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::test {
namespace {

const std::string kData = STRATBENCH_DATASETS;

TEST(CliCompressed, EachFormOnTheTrainedTeacherReportsItsCostAndSize) {
  // Shipped with the repository: missing is a failure, not a skip.
  ASSERT_TRUE(std::filesystem::exists(kData + "/model/teacher.gguf"));
  const std::string dir = fresh_dir("cli-compressed");
  const std::string o = "blocked+simd+threads=2";
  Proc r = run_cli({"run", "-w", "decode", "-s",
                    o + "," + o + "+int4," + o + "+sparsity=u70," + o + "+sparsity=2of4+prune=wanda," + o +
                        "+lowrank=50," + o + "+share=2",
                    "-p", "model=teacher", "-p", "prompt_len=8", "-p", "gen_len=4", "--min-samples", "3",
                    "--max-samples", "3", "--warmup", "0", "-o", "c.json"},
                   dir);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const RunFile f = read_run_file(dir + "/c.json");
  ASSERT_EQ(f.cells.size(), 6u);
  const bool corpus = std::filesystem::exists(kData + "/corpus/corpus.txt");
  double dense_bytes = 0;
  for (const auto& c : f.cells) {
    ASSERT_EQ(c.status, CellStatus::ok) << c.strategy << ": " << c.reason;
    const double bytes = c.metrics.counters.at("weight_bytes");
    if (c.strategy == o) {
      dense_bytes = bytes;
      continue;
    }
    EXPECT_LT(bytes, dense_bytes) << c.strategy;
    if (!corpus) continue;  // held-out perplexity needs the corpus (scripts/setup.sh)
    ASSERT_TRUE(c.metrics.quality.perplexity_change) << c.strategy;
    // Compression costs perplexity; sharing without a fine-tune costs most of it.
    EXPECT_GT(*c.metrics.quality.perplexity_change, -0.05) << c.strategy;
    if (c.strategy.find("share=2") != std::string::npos) {
      EXPECT_GT(*c.metrics.quality.perplexity_change, 0.5);
    }
  }
}

TEST(CliCompressed, TheStudentRunsAndIsSmallerThanItsTeacher) {
  ASSERT_TRUE(std::filesystem::exists(kData + "/model/student.gguf"));
  const std::string dir = fresh_dir("cli-student");
  Proc r = run_cli({"run", "-w", "decode", "-s", "simd", "-p", "model=teacher,student", "-p", "prompt_len=8", "-p",
                    "gen_len=4", "--min-samples", "3", "--max-samples", "3", "--warmup", "0", "-o", "s.json"},
                   dir);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const RunFile f = read_run_file(dir + "/s.json");
  ASSERT_EQ(f.cells.size(), 2u);
  for (const auto& c : f.cells) ASSERT_EQ(c.status, CellStatus::ok) << c.reason;
  const auto model = [](const Cell& c) { return std::get<std::string>(c.params.at("model")); };
  const Cell& t = model(f.cells[0]) == "teacher" ? f.cells[0] : f.cells[1];
  const Cell& s = model(f.cells[0]) == "teacher" ? f.cells[1] : f.cells[0];
  EXPECT_LT(s.metrics.counters.at("weight_bytes") * 3, t.metrics.counters.at("weight_bytes"));
}

}  // namespace
}  // namespace sb::test
