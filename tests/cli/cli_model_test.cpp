// `stratbench model write|info` as a user runs them: real processes, real files.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli_test_util.hpp"

namespace sb::test {
namespace {

// A vocabulary in the shape of Llama's (specials, 256 byte tokens, pieces) with 32000
// entries, the size every named config asks for.
std::string llama_shaped_vocab() {
  const std::string path = testing::TempDir() + "/vocab-32000.jsonl";
  if (exists(path)) return path;
  std::ofstream out(path + ".part");
  out << "{\"id\":0,\"piece\":\"<unk>\",\"score\":0,\"type\":2}\n"
      << "{\"id\":1,\"piece\":\"<s>\",\"score\":0,\"type\":3}\n"
      << "{\"id\":2,\"piece\":\"</s>\",\"score\":0,\"type\":3}\n";
  int id = 3;
  for (int b = 0; b < 256; ++b, ++id) {
    char piece[8];
    std::snprintf(piece, sizeof piece, "<0x%02X>", b);
    out << "{\"id\":" << id << ",\"piece\":\"" << piece << "\",\"score\":0,\"type\":6}\n";
  }
  for (; id < 32000; ++id)
    out << "{\"id\":" << id << ",\"piece\":\"\u2581w" << id << "\",\"score\":" << -id << ",\"type\":1}\n";
  out.close();
  std::filesystem::rename(path + ".part", path);
  return path;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(CliModel, WriteThenInfo) {
  const std::string dir = fresh_dir("cli-model");
  const std::string vocab = llama_shaped_vocab();
  Proc w = run_cli(
      {"model", "write", "--config", "tiny", "--type", "q4_0", "--seed", "7", "--vocab", vocab, "tiny.gguf"}, dir);
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_TRUE(has(w.out, "wrote tiny.gguf: config tiny, q4_0, seed 7, 57 tensors")) << w.out;
  EXPECT_EQ(file_count(dir), 1) << "a temp file was left behind";

  Proc i = run_cli({"model", "info", "--tensors", "tiny.gguf"}, dir);
  ASSERT_EQ(i.exit_code, 0) << i.err;
  EXPECT_TRUE(has(i.out, "GGUF v3")) << i.out;
  EXPECT_TRUE(has(i.out, "architecture  llama")) << i.out;
  EXPECT_TRUE(has(i.out, "file type     MOSTLY_Q4_0 (2)")) << i.out;
  EXPECT_TRUE(
      has(i.out, "tiny: dim 288, 6 layers, 6 heads, 6 kv heads (head_dim 48), hidden 768, vocab 32000, context 256"))
      << i.out;
  EXPECT_TRUE(has(i.out, "seed          7")) << i.out;
  EXPECT_TRUE(has(i.out, "tensors       57 tensors")) << i.out;
  EXPECT_TRUE(has(i.out, "  F32         13 tensors")) << i.out;  // 6 x 2 norms + output_norm
  EXPECT_TRUE(has(i.out, "  Q4_0        43 tensors")) << i.out;  // 6 x 7 projections + token_embd
  EXPECT_TRUE(has(i.out, "  Q8_0        1 tensor,")) << i.out;   // output.weight
  EXPECT_TRUE(has(i.out, "blk.5.ffn_down.weight")) << i.out;
  EXPECT_TRUE(has(i.out, "768 x 288")) << i.out;  // ffn_down dims, ggml order
  EXPECT_TRUE(has(i.out, "output.weight")) << i.out;

  Proc m = run_cli({"model", "info", "--metadata", "tiny.gguf"}, dir);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_TRUE(has(m.out, "tokenizer.ggml.tokens")) << m.out;
  EXPECT_TRUE(has(m.out, "[32000 strings]")) << m.out;

  // Same seed, same bytes.
  Proc again =
      run_cli({"model", "write", "-c", "tiny", "-t", "q4_0", "--seed", "7", "--vocab", vocab, "again.gguf"}, dir);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(slurp(dir + "/tiny.gguf"), slurp(dir + "/again.gguf"));
}

TEST(CliModel, CorruptFilesExitTwoNamingTheField) {
  const std::string dir = fresh_dir("cli-model-corrupt");
  Proc w =
      run_cli({"model", "write", "--config", "tiny", "--type", "q8_0", "--vocab", llama_shaped_vocab(), "m.gguf"}, dir);
  ASSERT_EQ(w.exit_code, 0) << w.err;
  const std::string good = slurp(dir + "/m.gguf");

  // Cut in the middle of the tensor data: the first tensor that no longer fits is named.
  std::ofstream(dir + "/cut.gguf", std::ios::binary) << good.substr(0, good.size() / 2);
  Proc cut = run_cli({"model", "info", "cut.gguf"}, dir);
  EXPECT_EQ(cut.exit_code, 2);
  EXPECT_TRUE(has(cut.err, "cut.gguf: tensor_info[")) << cut.err;
  EXPECT_TRUE(has(cut.err, "].offset (byte ")) << cut.err;
  EXPECT_TRUE(has(cut.err, "needs bytes")) << cut.err;

  // A lying tensor count right in the header.
  std::string lying = good;
  lying[8 + 7] = '\x10';  // tensor_count's top byte: 2^60 + 57 tensors
  std::ofstream(dir + "/lying.gguf", std::ios::binary) << lying;
  Proc l = run_cli({"model", "info", "lying.gguf"}, dir);
  EXPECT_EQ(l.exit_code, 2);
  EXPECT_TRUE(has(l.err, "lying.gguf: tensor_count (byte 8)")) << l.err;

  std::ofstream(dir + "/text.gguf") << "hello, world";
  Proc t = run_cli({"model", "info", "text.gguf"}, dir);
  EXPECT_EQ(t.exit_code, 2);
  EXPECT_TRUE(has(t.err, "text.gguf: magic (byte 0)")) << t.err;
}

TEST(CliModel, BadInputExitsTwoAndWritesNothing) {
  const std::string dir = fresh_dir("cli-model-bad");
  const std::string vocab = llama_shaped_vocab();
  struct Case {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"model", "write", "--config", "huge", "--type", "f32", "--vocab", vocab, "o.gguf"},
       "unknown model config 'huge' (known: tiny, small, 1b)"},
      {{"model", "write", "--config", "tiny", "--type", "q4_k", "--vocab", vocab, "o.gguf"},
       "unknown weight type 'q4_k'"},
      {{"model", "write", "--config", "tiny", "--vocab", vocab, "o.gguf"}, "--type is required"},
      {{"model", "write", "--type", "f32", "o.gguf"}, "--config is required"},
      {{"model", "write", "--config", "tiny", "--type", "f32", "--seed", "-3", "o.gguf"}, "--seed: -3 is negative"},
      {{"model", "write", "--config", "tiny", "--type", "f32", "--vocab", "nope.jsonl", "o.gguf"},
       "nope.jsonl: vocabulary not found; scripts/setup.sh installs it"},
      {{"model", "write", "--config", "tiny", "--type", "f32", "--vocab", vocab, "no/such/dir/o.gguf"},
       "does not exist"},
      {{"model", "write", "--config", "tiny", "--type", "f32", "--vocab", vocab}, "one output file"},
      {{"model", "info", "missing.gguf"}, "missing.gguf: cannot open file"},
      {{"model", "frobnicate"}, "unknown subcommand 'frobnicate'"},
      {{"model", "info", "--bogus", "x.gguf"}, "unknown option '--bogus'"},
  };
  for (const auto& c : cases) {
    Proc p = run_cli(c.args, dir);
    EXPECT_EQ(p.exit_code, 2) << c.message << "\n" << p.err;
    EXPECT_TRUE(has(p.err, c.message)) << "expected: " << c.message << "\nstderr: " << p.err;
    EXPECT_EQ(file_count(dir), 0) << c.message << ": something was left behind";
  }
  // A vocabulary of the wrong size is refused before anything is written.
  std::ofstream(testing::TempDir() + "/vocab-3.jsonl")
      << "{\"id\":0,\"piece\":\"<unk>\",\"score\":0,\"type\":2}\n{\"id\":1,\"piece\":\"<s>\",\"score\":0,\"type\":3}\n"
         "{\"id\":2,\"piece\":\"</s>\",\"score\":0,\"type\":3}\n";
  Proc small = run_cli(
      {"model", "write", "-c", "tiny", "-t", "f32", "--vocab", testing::TempDir() + "/vocab-3.jsonl", "o.gguf"}, dir);
  EXPECT_EQ(small.exit_code, 2);
  EXPECT_TRUE(has(small.err, "the vocabulary has 3 tokens, config 'tiny' needs 32000")) << small.err;
  EXPECT_EQ(file_count(dir), 0);

  for (const auto& args : std::vector<std::vector<std::string>>{
           {"model", "--help"}, {"model", "write", "--help"}, {"model", "info", "--help"}}) {
    Proc h = run_cli(args, dir);
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_TRUE(has(h.out, "usage: stratbench model")) << h.out;
  }
}

}  // namespace
}  // namespace sb::test
