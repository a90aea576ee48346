#include "stratbench/workloads/strategy.hpp"

#include <gtest/gtest.h>

#include "stratbench/result/errors.hpp"

namespace sb {
namespace {

TEST(Strategy, PresetsComposeLeftToRight) {
  Strategy s = parse_strategy("blocked+simd+threads=2");
  EXPECT_EQ(s.knob("layout"), "blocked");
  EXPECT_EQ(s.knob("simd"), "auto");
  EXPECT_EQ(s.threads(), 2);
  EXPECT_EQ(s.canonical(), "layout=blocked,simd=auto,threads=2");
  EXPECT_EQ(parse_strategy("baseline").canonical(), "baseline");
  EXPECT_EQ(parse_strategy("naive").canonical(), "baseline");  // naive is the default layout
  EXPECT_EQ(parse_strategy("blas+threads=1").threads(), 1);
  EXPECT_EQ(parse_strategy("blas").set_knobs.count("threads"), 0u);  // "as shipped": the library decides
  EXPECT_EQ(parse_strategy("blas").canonical(), "library=blas");
  EXPECT_EQ(parse_strategy("threads=2+threads=1").threads(), 1);     // later settings win
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
