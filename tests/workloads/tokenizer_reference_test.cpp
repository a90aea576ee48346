// Our ids against tiktoken's on whole files: the shipped sample and the corpus that setup
// builds, by token count and FNV-1a checksum (tests/data/corpus-reference-ids.json, made
// once with scripts/make-reference-ids.sh from the tiktoken npm package).
//
// The corpus is rebuilt from Debian packages, which get updates: when its SHA-256 differs
// from the recorded one, the reference is recomputed live with tiktoken (node and the npm
// package are installed by setup) instead of silently passing.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "stratbench/workloads/text/bpe_encoder.hpp"
#include "stratbench/workloads/text/text_input.hpp"
#include "text_test_util.hpp"

namespace sb::text {
namespace {

std::string run_command(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  ::pclose(f);
  return out;
}

std::string hex64(std::uint64_t v) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

struct Ours {
  std::size_t tokens;
  std::string fnv;
  bool round_trips;
};

Ours encode_file(const std::string& path, const std::string& encoding) {
  const MappedFile f(path);
  std::vector<Encoder> encs;
  std::vector<std::vector<std::uint32_t>> chunks;
  std::vector<std::uint32_t> ids;
  encode_parallel(Encoding::get(encoding), {MergeAlgo::heap, true}, f.view(), 2, 1 << 20, encs, chunks, ids);
  return {ids.size(), hex64(ids_fnv1a64(ids)), Encoding::get(encoding).decode(ids) == f.view()};
}

nlohmann::json reference() {
  std::ifstream in(sb::testing::test_data("corpus-reference-ids.json"));
  return nlohmann::json::parse(in);
}

class ReferenceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceTest, SampleIdsEqualTiktokens) {
  SB_REQUIRE_VOCAB(GetParam());
  const auto ref = reference()["sample"];
  const std::string path = datasets_dir() + "/sample/sample.txt";
  ASSERT_EQ(file_size(path), ref["bytes"].get<std::size_t>())
      << "the sample changed: run scripts/make-reference-ids.sh";
  const Ours ours = encode_file(path, GetParam());
  EXPECT_EQ(ours.tokens, ref[GetParam()]["tokens"].get<std::size_t>());
  EXPECT_EQ(ours.fnv, ref[GetParam()]["fnv1a64"].get<std::string>());
  EXPECT_TRUE(ours.round_trips);
}

TEST_P(ReferenceTest, CorpusIdsEqualTiktokens) {
  SB_REQUIRE_VOCAB(GetParam());
  const std::string path = datasets_dir() + "/corpus/corpus.txt";
  SB_REQUIRE_FILE(path);
  auto ref = reference()["corpus"];
  const std::string sha = run_command("sha256sum '" + path + "'").substr(0, 64);
  nlohmann::json want = ref[GetParam()];
  if (sha != ref["sha256"].get<std::string>()) {
    // The packages moved on: ask tiktoken itself about this corpus.
    const std::string script = std::string(STRATBENCH_SOURCE_DIR) + "/scripts/tiktoken-reference.mjs";
    const std::string out = run_command("node '" + script + "' '" + path + "' --encoding " + GetParam() + " 2>&1");
    try {
      want = nlohmann::json::parse(out);
    } catch (const std::exception&) {
      GTEST_SKIP() << "the corpus differs from the recorded one (sha256 " << sha
                   << ") and tiktoken could not be run for a live reference: " << out.substr(0, 300);
    }
    std::cout << "corpus changed since the recorded reference; live tiktoken reference: " << out;
  }
  const Ours ours = encode_file(path, GetParam());
  EXPECT_EQ(ours.tokens, want["tokens"].get<std::size_t>());
  EXPECT_EQ(ours.fnv, want["fnv1a64"].get<std::string>());
  EXPECT_TRUE(ours.round_trips);
}

INSTANTIATE_TEST_SUITE_P(Encodings, ReferenceTest, ::testing::Values("gpt2", "cl100k_base"));

}  // namespace
}  // namespace sb::text
