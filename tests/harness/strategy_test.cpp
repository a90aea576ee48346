#include "stratbench/workloads/strategy.hpp"

#include <gtest/gtest.h>

#include "stratbench/result/errors.hpp"

namespace sb {
namespace {

TEST(Strategy, PresetsComposeLeftToRight) {
  Strategy s = parse_strategy("blocked+simd+threads=2");
  EXPECT_EQ(s.knob("layout"), "blocked");
  EXPECT_EQ(s.knob("simd"), "auto");
  EXPECT_EQ(s.k.threads, 2);
  EXPECT_EQ(s.canonical(), "layout=blocked,simd=auto,threads=2");
  EXPECT_EQ(parse_strategy("baseline").canonical(), "baseline");
  EXPECT_EQ(parse_strategy("naive").canonical(), "baseline");  // naive is the default layout
  EXPECT_EQ(parse_strategy("blas+threads=1").k.threads, 1);
  EXPECT_EQ(parse_strategy("blas").set_knobs.count("threads"), 0u);  // "as shipped": the library decides
  EXPECT_EQ(parse_strategy("blas").canonical(), "library=blas");
  EXPECT_EQ(parse_strategy("threads=2+threads=1").k.threads, 1);  // later settings win
}

TEST(Strategy, TypedKnobsFollowTheTable) {
  // Every value of every enumerated knob maps to its enumerator (the enums follow the
  // table's order; a reordered table would fail here).
  for (const auto& k : knob_table()) {
    for (std::size_t i = 0; i < k.values.size(); ++i) {
      const Strategy s = parse_strategy(k.name + "=" + k.values[i]);
      const Knobs& t = s.k;
      const int got = k.name == "layout"         ? static_cast<int>(t.layout)
                      : k.name == "simd"         ? static_cast<int>(t.simd)
                      : k.name == "library"      ? static_cast<int>(t.library)
                      : k.name == "merge"        ? static_cast<int>(t.merge)
                      : k.name == "io"           ? static_cast<int>(t.io)
                      : k.name == "memory"       ? static_cast<int>(t.memory)
                      : k.name == "precision"    ? static_cast<int>(t.precision)
                      : k.name == "piece_cache"  ? static_cast<int>(t.piece_cache)
                      : k.name == "fusion"       ? static_cast<int>(t.fusion)
                      : k.name == "kv_cache"     ? static_cast<int>(!t.kv_cache)  // on, off
                      : k.name == "sparsity"     ? static_cast<int>(t.sparsity)
                      : k.name == "prune"        ? static_cast<int>(t.prune)
                      : k.name == "lowrank"      ? (t.lowrank == 0    ? 0
                                                    : t.lowrank == 25 ? 1
                                                                      : 2)  // off, 25, 50
                      : k.name == "share"        ? (t.share == 1   ? 0
                                                    : t.share == 2 ? 1
                                                                   : 2)  // off, 2, 4
                      : k.name == "sched"        ? static_cast<int>(t.sched)
                      : k.name == "kv"           ? static_cast<int>(t.kv)
                      : k.name == "prefix_cache" ? static_cast<int>(t.prefix_cache)
                      : k.name == "answer_cache" ? static_cast<int>(t.answer_cache)
                                                 : -1;
      EXPECT_EQ(got, static_cast<int>(i)) << k.name << "=" << k.values[i];
    }
  }
  EXPECT_EQ(parse_strategy("simd").k.simd, SimdKnob::automatic);
  EXPECT_STREQ(to_string(SimdKnob::automatic), "auto");
}

TEST(Strategy, CompressionKnobsCompose) {
  const Strategy s = parse_strategy("lowrank=25+int8+simd+threads=2");
  EXPECT_EQ(s.k.lowrank, 25);
  EXPECT_EQ(s.k.precision, Precision::int8);
  EXPECT_EQ(s.canonical(), "simd=auto,threads=2,precision=int8,lowrank=25");  // table order: old ids keep
  EXPECT_EQ(parse_strategy("sparsity=2of4").k.sparsity, Sparsity::two_of_four);
  EXPECT_EQ(parse_strategy("share=4").k.share, 4);
  EXPECT_EQ(parse_strategy("share=off").canonical(), "baseline");
  EXPECT_THROW(parse_strategy("sparsity=u60"), InputError);
  EXPECT_THROW(parse_strategy("lowrank=10"), InputError);
}

TEST(Strategy, TheRenamedPieceCacheKeepsItsCellIds) {
  // The tokenizer's knob was `cache` (beside the LLM's kv_cache); cell ids use the old name.
  EXPECT_EQ(parse_strategy("cache").canonical(), "cache=on");
  EXPECT_EQ(parse_strategy("piece_cache=on").canonical(), "cache=on");
  EXPECT_EQ(parse_strategy("cache=on").canonical(), "cache=on");  // the old spelling still parses
  EXPECT_TRUE(parse_strategy("heap+cache").k.piece_cache);
}

TEST(Strategy, ErrorsNameThePart) {
  auto err = [](const char* s) {
    try {
      parse_strategy(s);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err("blocked+turbo").find("unknown strategy 'turbo'"), std::string::npos);
  EXPECT_NE(err("threads=abc").find("threads='abc'"), std::string::npos);
  EXPECT_NE(err("threads=2x").find("threads='2x'"), std::string::npos);
  EXPECT_NE(err("simd=neon").find("simd='neon' is not one of"), std::string::npos);
  EXPECT_NE(err("colour=red").find("unknown knob 'colour'"), std::string::npos);
  EXPECT_NE(err("blocked++simd").find("empty part"), std::string::npos);
  EXPECT_NE(err("").find("empty"), std::string::npos);
}

}  // namespace
}  // namespace sb
