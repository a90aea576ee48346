// `stratbench model train` as a user runs it: a vocabulary trained on the sample text, a
// micro model trained on it, the file it writes run by the engine, its loss curve read as
// a results file, a resumed run, and each bad input refused with exit 2 naming it.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "cli_test_util.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::test {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kSample = std::string(STRATBENCH_DATASETS) + "/sample/sample.txt";

// A 512-token vocabulary of the sample text, made once per test process. CTest runs each
// test as its own process, two at a time: a directory shared by name was emptied by one
// test while the other wrote its vocabulary into it.
std::string vocab() {
  static const std::string path = [] {
    const std::string dir = fresh_dir("cli-train-vocab-" + std::to_string(::getpid()));
    Proc p = run_cli({"tokenizer", "train", "--corpus", kSample, "--vocab-size", "512", "-o", "v.tiktoken"}, dir);
    EXPECT_EQ(p.exit_code, 0) << p.err;
    return dir + "/v.tiktoken";
  }();
  return path;
}

std::vector<std::string> train_args(const std::string& tokens) {
  return {"model",    "train", "--config", "micro", "--corpus", kSample, "--tokenizer",  vocab(),
          "--tokens", tokens,  "--batch",  "4",     "--seq",    "32",    "--eval-every", "20",
          "--warmup", "5",     "--lr",     "5e-3",  "-o",       "m.gguf"};
}

TEST(CliModelTrain, TrainsWritesAModelTheEngineRunsAndACurveFile) {
  const std::string dir = fresh_dir("cli-train");
  Proc t = run_cli(train_args("7680"), dir);  // 60 steps of 128 tokens
  ASSERT_EQ(t.exit_code, 0) << t.err << t.out;
  EXPECT_TRUE(has(t.out, "step 60/60")) << t.out;
  EXPECT_TRUE(has(t.out, "unigram perplexity")) << t.out;
  EXPECT_TRUE(exists(dir + "/m.gguf.ckpt"));

  const RunFile curve = read_run_file(dir + "/m.gguf.curve.json");
  ASSERT_EQ(curve.cells.size(), 3u);  // steps 20, 40, 60
  const auto& first = curve.cells.front().metrics.counters;
  const auto& last = curve.cells.back().metrics.counters;
  EXPECT_EQ(curve.cells.back().workload, "train");
  EXPECT_LT(last.at("heldout_loss"), first.at("heldout_loss"));
  EXPECT_LT(last.at("heldout_ppl"), last.at("unigram_ppl"));
  EXPECT_EQ(last.at("tokens"), 7680);

  Proc i = run_cli({"model", "info", "--metadata", "m.gguf"}, dir);
  ASSERT_EQ(i.exit_code, 0) << i.err;
  EXPECT_TRUE(has(i.out, "tokenizer.ggml.model")) << i.out;
  EXPECT_TRUE(has(i.out, "gpt2")) << i.out;
  EXPECT_TRUE(has(i.out, "micro: dim 32, 2 layers, 4 heads, 2 kv heads")) << i.out;

  // Its perplexity on the held-out text, by llama-perplexity's protocol, at two precisions.
  Proc p32 =
      run_cli({"model", "perplexity", "m.gguf", "--heldout", kSample, "--ctx", "32", "--write-text", "h.txt"}, dir);
  ASSERT_EQ(p32.exit_code, 0) << p32.err;
  EXPECT_TRUE(has(p32.out, "chunks of 32, second half scored")) << p32.out;
  EXPECT_TRUE(has(p32.out, "perplexity ")) << p32.out;
  const std::string heldout = slurp(dir + "/h.txt");
  EXPECT_GT(heldout.size(), 1000u);
  EXPECT_NE(slurp(kSample).find(heldout.substr(0, 200)), std::string::npos);
  Proc p8 = run_cli({"model", "perplexity", "m.gguf", "--text", "h.txt", "--ctx", "32", "-s", "int8"}, dir);
  ASSERT_EQ(p8.exit_code, 0) << p8.err;
  auto ppl = [](const std::string& out) { return std::stod(out.substr(out.find("perplexity ") + 11)); };
  EXPECT_NEAR(ppl(p8.out), ppl(p32.out), 0.05 * ppl(p32.out));
  Proc bad = run_cli({"model", "perplexity", "m.gguf", "--ctx", "32"}, dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(has(bad.err, "--text or --heldout")) << bad.err;

  // A smaller student distilled from it, with the teacher's vocabulary.
  const std::vector<std::string> distill = {
      "model",    "distill", "--teacher",    "m.gguf", "--config", "micro,layers=1,hidden=32",
      "--corpus", kSample,   "--tokens",     "2560",   "--batch",  "4",
      "--seq",    "32",      "--eval-every", "20",     "-o",       "s.gguf"};
  Proc s = run_cli(distill, dir);
  ASSERT_EQ(s.exit_code, 0) << s.err << s.out;
  EXPECT_TRUE(has(s.out, "step 20/20")) << s.out;
  EXPECT_EQ(read_run_file(dir + "/s.gguf.curve.json").cells.front().workload, "distill");
  Proc si = run_cli({"model", "info", "--metadata", "s.gguf"}, dir);
  EXPECT_TRUE(has(si.out, "stratbench.distill.teacher")) << si.out;
  EXPECT_TRUE(has(si.out, "micro,layers=1,hidden=32: dim 32, 1 layers")) << si.out;
  const std::vector<std::pair<std::vector<std::string>, std::string>> refused = {
      {{"model", "distill", "--config", "micro", "--corpus", kSample, "--tokens", "256", "-o", "x.gguf"},
       "--teacher is required"},
      {{"model", "distill", "--teacher", "m.gguf", "--tokenizer", vocab(), "--config", "micro", "--corpus", kSample,
        "--tokens", "256", "-o", "x.gguf"},
       "drop --tokenizer"},
      {{"model", "distill", "--teacher", "m.gguf", "--alpha", "1.5", "--config", "micro", "--corpus", kSample,
        "--tokens", "256", "-o", "x.gguf"},
       "--alpha must be within 0..1"},
      {{"model", "train", "--teacher", "m.gguf", "--tokenizer", vocab(), "--config", "micro", "--corpus", kSample,
        "--tokens", "256", "-o", "x.gguf"},
       "--teacher belongs to `model distill`"},
  };
  for (const auto& [args, says] : refused) {
    Proc p = run_cli(args, dir);
    EXPECT_EQ(p.exit_code, 2) << says;
    EXPECT_TRUE(has(p.err, says)) << says << "\n" << p.err;
  }

  // A recovery fine-tune under share=2 and 2:4 sparsity: the file it writes already has the
  // structure, so loading it with that strategy or densely gives the same perplexity.
  const std::vector<std::string> ft = {
      "model", "finetune", "--model", "m.gguf", "-s", "share=2+sparsity=2of4", "--corpus", kSample, "--tokens",
      "1280",  "--batch",  "4",       "--seq",  "32", "--eval-every",          "5",        "-o",    "f.gguf"};
  Proc f = run_cli(ft, dir);
  ASSERT_EQ(f.exit_code, 0) << f.err << f.out;
  EXPECT_TRUE(has(f.out, "step 10/10")) << f.out;
  EXPECT_EQ(read_run_file(dir + "/f.gguf.curve.json").cells.front().workload, "finetune");
  EXPECT_TRUE(has(run_cli({"model", "info", "--metadata", "f.gguf"}, dir).out, "sparsity=2of4,share=2"));
  auto ppl_of = [&](const std::string& model, const std::string& strategy) {
    Proc q = run_cli({"model", "perplexity", model, "--text", "h.txt", "--ctx", "32", "-s", strategy}, dir);
    EXPECT_EQ(q.exit_code, 0) << q.err;
    return ppl(q.out);
  };
  const double structured = ppl_of("f.gguf", "share=2+sparsity=2of4"), dense = ppl_of("f.gguf", "baseline");
  EXPECT_NEAR(structured, dense, 1e-4 * dense);
  EXPECT_NE(structured, ppl_of("m.gguf", "share=2+sparsity=2of4"));  // the fine-tune changed it
  // The control: the same schedule and tokens, uncompressed; it changes the dense model.
  std::vector<std::string> control = ft;
  control.erase(control.begin() + 4, control.begin() + 6);  // -s share=2+sparsity=2of4
  control.back() = "c.gguf";
  control.emplace_back("--control");
  Proc cf = run_cli(control, dir);
  ASSERT_EQ(cf.exit_code, 0) << cf.err << cf.out;
  EXPECT_TRUE(has(cf.out, "step 10/10")) << cf.out;
  EXPECT_TRUE(has(run_cli({"model", "info", "--metadata", "c.gguf"}, dir).out, "control (uncompressed)"));
  EXPECT_NE(ppl_of("c.gguf", "baseline"), ppl_of("m.gguf", "baseline"));
  for (const auto& [args, says] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"model", "finetune", "--model", "m.gguf", "-s", "lowrank=50", "--corpus", kSample, "--tokens", "256", "-o",
             "x.gguf"},
            "low-rank"},
           {{"model", "finetune", "--model", "m.gguf", "--corpus", kSample, "--tokens", "256", "-o", "x.gguf"},
            "--model and --strategy (or --control) are required"},
           {{"model", "finetune", "--model", "m.gguf", "--control", "-s", "share=2", "--corpus", kSample, "--tokens",
             "256", "-o", "x.gguf"},
            "drop --strategy"},
           {{"model", "train", "--control", "--tokenizer", vocab(), "--config", "micro", "--corpus", kSample,
             "--tokens", "256", "-o", "x.gguf"},
            "belong to `model finetune`"},
           {{"model", "finetune", "--model", "m.gguf", "-s", "share=2", "--config", "micro", "--corpus", kSample,
             "--tokens", "256", "-o", "x.gguf"},
            "drop --config"},
           {{"model", "finetune", "--model", "m.gguf", "-s", "simd", "--corpus", kSample, "--tokens", "256", "-o",
             "x.gguf"},
            "compresses nothing"},
       }) {
    Proc p = run_cli(args, dir);
    EXPECT_EQ(p.exit_code, 2) << says;
    EXPECT_TRUE(has(p.err, says)) << says << "\n" << p.err;
  }

  // The engine loads what was trained, at a precision of its choosing.
  Proc r =
      run_cli({"run", "-w",        "decode", "-s",      "baseline,int8", "-p", "model=m.gguf",  "-p", "prompt_len=8",
               "-p",  "gen_len=4", "-p",     "batch=1", "--min-samples", "3",  "--max-samples", "3",  "--warmup",
               "0",   "-o",        "d.json"},
              dir);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const RunFile d = read_run_file(dir + "/d.json");
  ASSERT_EQ(d.cells.size(), 2u);
  for (const auto& c : d.cells) {
    EXPECT_EQ(c.status, CellStatus::ok) << c.strategy << ": " << c.reason;
    // A trained model is scored on the corpus's held-out text (built by scripts/setup.sh).
    if (!exists(std::string(STRATBENCH_DATASETS) + "/corpus/corpus.txt")) continue;
    ASSERT_TRUE(c.metrics.quality.perplexity && c.metrics.quality.perplexity_change) << c.strategy;
    EXPECT_GT(*c.metrics.quality.perplexity, 1.0);
    if (c.strategy == "baseline")
      EXPECT_NEAR(*c.metrics.quality.perplexity_change, 0.0, 1e-4);
    else
      EXPECT_LT(std::abs(*c.metrics.quality.perplexity_change), 0.05) << c.strategy;
  }
}

TEST(CliModelTrain, ResumesFromItsCheckpointWithAGrownBudget) {
  const std::string dir = fresh_dir("cli-train-resume");
  ASSERT_EQ(run_cli(train_args("2560"), dir).exit_code, 0);  // 20 steps
  Proc r = run_cli(
      [] {
        auto a = train_args("5120");
        a.emplace_back("--resume");
        return a;
      }(),
      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "resuming m.gguf.ckpt at step 20")) << r.out;
  EXPECT_TRUE(has(r.out, "step 40/40")) << r.out;
  EXPECT_EQ(read_run_file(dir + "/m.gguf.curve.json").cells.size(), 2u);

  auto other = train_args("5120");
  other.insert(other.end(), {"--resume", "--seed", "9"});
  Proc bad = run_cli(other, dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(has(bad.err, "m.gguf.ckpt")) << bad.err;
  EXPECT_TRUE(has(bad.err, "seed")) << bad.err;
}

TEST(CliModelTrain, BadInputIsExit2NamingIt) {
  const std::string dir = fresh_dir("cli-train-bad");
  struct Case {
    std::vector<std::string> drop_or_set;  // flag, value ("" drops the flag)
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--tokenizer", ""}, "--tokenizer is required"},
      {{"--config", "giant"}, "unknown shape 'giant'"},
      {{"--config", "micro,depth=3"}, "'depth=3'"},
      {{"--config", "micro,dim=33"}, "dim 33"},
      {{"--seq", "65"}, "--seq 65 is longer than the shape's context 64"},
      {{"--tokens", "0"}, "--tokens"},
      {{"--corpus", "missing.txt"}, "missing.txt"},
      {{"--tokenizer", "missing.tiktoken"}, "missing.tiktoken"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = train_args("1280"), out;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i] == c.drop_or_set[0]) {
        if (!c.drop_or_set[1].empty()) out.insert(out.end(), {args[i], c.drop_or_set[1]});
        ++i;
        continue;
      }
      out.push_back(args[i]);
    }
    Proc p = run_cli(out, dir);
    EXPECT_EQ(p.exit_code, 2) << c.says << "\n" << p.err;
    EXPECT_TRUE(has(p.err, c.says)) << c.says << "\n" << p.err;
  }
  EXPECT_FALSE(exists(dir + "/m.gguf"));
}

}  // namespace
}  // namespace sb::test
