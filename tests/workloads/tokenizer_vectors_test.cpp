// Token ids against tiktoken's on the shared test vectors (tests/data/tokenizer-vectors.json,
// produced by the tiktoken npm package), for every merge strategy, plus the round trip.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "stratbench/workloads/text/bpe_encoder.hpp"
#include "text_test_util.hpp"

namespace sb::text {
namespace {

struct Variant {
  const char* name;
  EncoderOptions opt;
};

const Variant kVariants[] = {
    {"pairs", {MergeAlgo::pairs, false}},
    {"heap", {MergeAlgo::heap, false}},
    {"pairs+cache", {MergeAlgo::pairs, true}},
    {"heap+cache", {MergeAlgo::heap, true}},
};

nlohmann::json vectors() {
  std::ifstream in(sb::testing::test_data("tokenizer-vectors.json"));
  return nlohmann::json::parse(in);
}

class VectorsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(VectorsTest, IdsEqualTiktokenForEveryStrategy) {
  const std::string encoding = GetParam();
  SB_REQUIRE_VOCAB(encoding);
  const Encoding& enc = Encoding::get(encoding);
  const auto v = vectors();
  ASSERT_GE(v["cases"].size(), 100u);
  for (const auto& var : kVariants) {
    Encoder e(enc, var.opt);
    for (int pass = 0; pass < 2; ++pass) {  // the second pass meets a warm cache
      for (const auto& c : v["cases"]) {
        const std::string text = c["text"];
        const auto want = c[encoding].get<std::vector<std::uint32_t>>();
        std::vector<std::uint32_t> got;
        e.encode_ordinary(text, got);
        ASSERT_EQ(got, want) << var.name << " case " << c["id"] << " (" << c["category"] << "): " << text;
        EXPECT_EQ(enc.decode(got), text) << "case " << c["id"];
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Encodings, VectorsTest, ::testing::Values("gpt2", "cl100k_base"));

}  // namespace
}  // namespace sb::text
