// The option table: every row reads back what it writes, every default is in its range,
// and matrix files name unknown or out-of-range options.
#include "stratbench/harness/option_table.hpp"

#include <gtest/gtest.h>

#include <set>

#include "stratbench/result/errors.hpp"

namespace sb {
namespace {

TEST(OptionTable, DefaultsAreInRangeAndNamesAreUnique) {
  std::set<std::string> keys, flags;
  const OptionValues defaults;
  for (const auto& o : option_table()) {
    EXPECT_TRUE(keys.insert(o.key).second) << o.key;
    if (o.flag) {
      EXPECT_TRUE(flags.insert(o.flag).second) << o.flag;
    }
    EXPECT_NO_THROW(check_option(o, defaults, "")) << o.key;
    EXPECT_EQ(find_option(o.key), &o);
  }
  EXPECT_EQ(find_option("nope"), nullptr);
}

TEST(OptionTable, JsonRoundTripsEveryField) {
  MeasureOptions m;
  m.target_rse = 0.02;
  m.min_samples = 7;
  m.max_samples = 70;
  m.budget_s = 1.5;
  m.sample_time_s = 0.2;
  m.warmup_s = 0;
  m.inject_slowdown = 0.05;
  RunnerOptions r;
  r.timeout_s = 9.5;
  r.kill_grace_s = 1;
  r.memory_limit_bytes = 18446744073709551615ull;  // exact: sizes never pass through a double
  const MeasureOptions m2 = measure_options_from_json(to_json(m), "x");
  const RunnerOptions r2 = runner_options_from_json(to_json(r), "x");
  EXPECT_EQ(to_json(m2), to_json(m));
  EXPECT_EQ(to_json(r2), to_json(r));
  EXPECT_EQ(r2.memory_limit_bytes, r.memory_limit_bytes);
  EXPECT_EQ(to_json(m).size() + to_json(r).size(), option_table().size());
}

TEST(OptionTable, ErrorsNameTheFileFieldAndFlag) {
  auto err = [](const char* section, const char* text) {
    try {
      const auto j = nlohmann::json::parse(text);
      if (std::string(section) == "measure")
        measure_options_from_json(j, "m.json");
      else
        runner_options_from_json(j, "m.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(err("runner", R"({"timeout": 5})"),
            "m.json: runner.timeout: unknown field (timeout_s, kill_grace_s, memory_limit_bytes)");
  EXPECT_EQ(err("measure", R"({"budget_s": -1})"), "m.json: measure.budget_s (--budget) must not be negative, got -1");
  EXPECT_EQ(err("runner", R"({"kill_grace_s": -1})"), "m.json: runner.kill_grace_s must not be negative, got -1");
  EXPECT_NE(err("measure", R"({"min_samples": 2})").find("measure.min_samples (--min-samples) must be in [3, 100000]"),
            std::string::npos);
  EXPECT_NE(err("measure", R"({"min_samples": 9, "max_samples": 5})").find("must be at least min_samples"),
            std::string::npos);
}

}  // namespace
}  // namespace sb
