// The quality check's reference cache: round trip, anything that does not read back as its
// key's run is ignored, off turns it off, and a second cell of the same model reuses the
// first's reference with the same figures.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "stratbench/workloads/llm/reference_cache.hpp"
#include "stratbench/workloads/workload.hpp"

namespace sb::llm {
namespace {

class ReferenceCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sb-refcache-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    const char* old = std::getenv("STRATBENCH_CACHE_DIR");
    old_ = old ? old : "";
    had_ = old != nullptr;
    ::setenv("STRATBENCH_CACHE_DIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    if (had_)
      ::setenv("STRATBENCH_CACHE_DIR", old_.c_str(), 1);
    else
      ::unsetenv("STRATBENCH_CACHE_DIR");
    std::filesystem::remove_all(dir_);
  }
  static ReferenceRun sample() {
    ReferenceRun r;
    r.tokens = {{5, 6, 7}, {8, 9, 10}};
    r.logits.assign(3, std::vector<std::vector<float>>(2, std::vector<float>(11)));
    for (int s = 0; s < 3; ++s)
      for (int q = 0; q < 2; ++q)
        for (int v = 0; v < 11; ++v) r.logits[s][q][v] = static_cast<float>(s * 100 + q * 10 + v) / 7.f;
    r.ppl = 42.5, r.ppl_scored = 1234;
    return r;
  }
  std::filesystem::path only_file() const {
    for (const auto& e : std::filesystem::directory_iterator(dir_)) return e.path();
    return {};
  }
  std::filesystem::path dir_;
  std::string old_;
  bool had_ = false;
};

TEST_F(ReferenceCacheTest, RoundTripsExactly) {
  EXPECT_FALSE(load_reference("k1"));
  store_reference("k1", sample());
  const std::optional<ReferenceRun> got = load_reference("k1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->tokens, sample().tokens);
  EXPECT_EQ(got->logits, sample().logits);
  EXPECT_EQ(got->ppl, 42.5);
  EXPECT_EQ(got->ppl_scored, 1234);
  EXPECT_FALSE(load_reference("k2"));
}

TEST_F(ReferenceCacheTest, DamagedFilesAreIgnored) {
  store_reference("k1", sample());
  const std::filesystem::path f = only_file();
  const auto size = std::filesystem::file_size(f);
  for (std::uintmax_t cut : {std::uintmax_t{0}, std::uintmax_t{5}, size / 2, size - 1}) {
    store_reference("k1", sample());
    std::filesystem::resize_file(f, cut);
    EXPECT_FALSE(load_reference("k1")) << "cut at " << cut;
  }
  store_reference("k1", sample());
  {
    std::ofstream app(f, std::ios::binary | std::ios::app);
    app << "x";
  }
  EXPECT_FALSE(load_reference("k1")) << "trailing byte";
  // A file named for k1 holding another key's run.
  store_reference("k2", sample());
  std::filesystem::path k2;
  for (const auto& e : std::filesystem::directory_iterator(dir_))
    if (e.path() != f) k2 = e.path();
  std::filesystem::copy_file(k2, f, std::filesystem::copy_options::overwrite_existing);
  EXPECT_FALSE(load_reference("k1"));
}

TEST_F(ReferenceCacheTest, OffTurnsItOff) {
  ::setenv("STRATBENCH_CACHE_DIR", "off", 1);
  EXPECT_EQ(reference_cache_dir(), "");
  store_reference("k1", sample());
  EXPECT_FALSE(load_reference("k1"));
  EXPECT_FALSE(std::filesystem::exists(dir_));
}

TEST_F(ReferenceCacheTest, FileHashFollowsTheBytes) {
  std::filesystem::create_directories(dir_);
  const auto a = dir_ / "a", b = dir_ / "b";
  std::ofstream(a) << "the same bytes, long enough to use the eight-byte path";
  std::ofstream(b) << "the same bytes, long enough to use the eight-byte path";
  EXPECT_EQ(file_hash_hex(a), file_hash_hex(b));
  std::ofstream(b) << "the same bytes, long enough to use the eight-byte patH";
  EXPECT_NE(file_hash_hex(a), file_hash_hex(b));
  EXPECT_THROW(file_hash_hex((dir_ / "missing").string()), std::exception);
}

// Two cells of one model and prompts: the second reads the first's reference and reports
// the same quality; a different prompt length is another key.
TEST_F(ReferenceCacheTest, CellsReuseTheReference) {
  const Workload* wl = find_workload("decode");
  ASSERT_NE(wl, nullptr);
  Params p{{"model", std::string("tiny")},
           {"prompt_len", std::int64_t{5}},
           {"gen_len", std::int64_t{3}},
           {"batch", std::int64_t{1}}};
  const Strategy s = parse_strategy("int8+simd");
  const CheckResult first = wl->prepare(s, p, "cpu")->check();
  EXPECT_EQ(first.detail.find("from the cache"), std::string::npos) << first.detail;
  const CheckResult second = wl->prepare(s, p, "cpu")->check();
  EXPECT_NE(second.detail.find("from the cache"), std::string::npos) << second.detail;
  EXPECT_EQ(*first.quality.rel_error, *second.quality.rel_error);
  EXPECT_EQ(*first.quality.kl, *second.quality.kl);
  p["prompt_len"] = std::int64_t{6};
  EXPECT_EQ(wl->prepare(s, p, "cpu")->check().detail.find("from the cache"), std::string::npos);
}

}  // namespace
}  // namespace sb::llm
