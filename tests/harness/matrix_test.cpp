#include "stratbench/harness/matrix.hpp"

#include <gtest/gtest.h>

#include "stratbench/result/errors.hpp"

namespace sb {
namespace {

using V = std::vector<std::string>;

MatrixSpec gemm_spec(V strategies, std::map<std::string, V> params) {
  MatrixSpec s;
  MatrixGroup g;
  g.workloads = {"gemm"};
  g.strategies = std::move(strategies);
  g.params = std::move(params);
  s.groups = {g};
  return s;
}

std::string error_of(const MatrixSpec& s) {
  try {
    expand(s);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ValueList, CommaListsAndRanges) {
  EXPECT_EQ(expand_value_list("m", "256,1024"), (V{"256", "1024"}));
  EXPECT_EQ(expand_value_list("m", "256-2048*2"), (V{"256", "512", "1024", "2048"}));
  EXPECT_EQ(expand_value_list("m", "1-10+3"), (V{"1", "4", "7", "10"}));
  EXPECT_EQ(expand_value_list("m", "8-11"), (V{"8", "9", "10", "11"}));
  EXPECT_EQ(expand_value_list("m", "5-5"), (V{"5"}));
  EXPECT_EQ(expand_value_list("m", "100-300*2"), (V{"100", "200"}));
}

TEST(ValueList, RejectsMalformed) {
  EXPECT_THROW(expand_value_list("m", ""), InputError);
  EXPECT_THROW(expand_value_list("m", "1,,2"), InputError);
  EXPECT_THROW(expand_value_list("m", "10-1"), InputError);
  EXPECT_THROW(expand_value_list("m", "1-10*1"), InputError);
  EXPECT_THROW(expand_value_list("m", "1-10+0"), InputError);
  EXPECT_THROW(expand_value_list("m", "1-99999999"), InputError);  // runaway
}

TEST(Expand, CartesianProductInOrder) {
  auto cells = expand(gemm_spec({"naive", "blocked"}, {{"m", {"16", "32"}}, {"n", {"8"}}, {"k", {"4"}}}));
  ASSERT_EQ(cells.size(), 4u);
  for (const auto& c : cells) EXPECT_TRUE(c.runnable) << c.cell.reason;
  EXPECT_EQ(std::get<std::int64_t>(cells[0].cell.params.at("m")), 16);
  EXPECT_EQ(cells[0].cell.strategy, "naive");
  EXPECT_EQ(cells[1].cell.strategy, "blocked");
  EXPECT_EQ(std::get<std::int64_t>(cells[2].cell.params.at("m")), 32);
}

TEST(Expand, DefaultsFillMissingParams) {
  auto cells = expand(gemm_spec({"naive"}, {}));
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(cells[0].cell.params.at("k")), 512);
}

TEST(Expand, IdsAreStableAndIgnoreSpelling) {
  auto a = expand(gemm_spec({"blocked+simd"}, {{"m", {"64"}}}));
  auto b = expand(gemm_spec({"simd+blocked"}, {{"m", {"64"}}}));
  auto c = expand(gemm_spec({"blocked+simd"}, {{"m", {"65"}}}));
  EXPECT_EQ(a[0].cell.id, b[0].cell.id);
  EXPECT_NE(a[0].cell.id, c[0].cell.id);
  EXPECT_EQ(a[0].cell.id.size(), 16u);
  // Duplicates collapse to one cell.
  EXPECT_EQ(expand(gemm_spec({"blocked+simd", "simd+blocked"}, {})).size(), 1u);
}

TEST(Expand, UnrunnableCellsAreListedWithReason) {
  auto cells = expand(gemm_spec({"simd"}, {}));
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_FALSE(cells[0].runnable);
  EXPECT_NE(cells[0].cell.reason.find("blocked"), std::string::npos);
  MatrixSpec s = gemm_spec({"naive"}, {});
  s.groups[0].devices = {"cuda"};
  auto gpu = expand(s);
  EXPECT_FALSE(gpu[0].runnable);
  // Without a device (or a CUDA build) the reason says which.
  EXPECT_NE(gpu[0].cell.reason.find("CUDA"), std::string::npos) << gpu[0].cell.reason;
}

TEST(Expand, InputErrorsNameTheProblem) {
  MatrixSpec bad_w = gemm_spec({"naive"}, {});
  bad_w.groups[0].workloads = {"gemn"};
  EXPECT_NE(error_of(bad_w).find("unknown workload 'gemn'"), std::string::npos);
  EXPECT_NE(error_of(gemm_spec({"fastest"}, {})).find("unknown strategy 'fastest'"), std::string::npos);
  EXPECT_NE(error_of(gemm_spec({"naive"}, {{"q", {"1"}}})).find("unknown parameter 'q'"), std::string::npos);
  EXPECT_NE(error_of(gemm_spec({"naive"}, {{"m", {"0"}}})).find("m=0 is out of range"), std::string::npos);
  EXPECT_NE(error_of(gemm_spec({"naive"}, {{"m", {"-1"}}})).find("m=-1 is out of range"), std::string::npos);
  EXPECT_NE(error_of(gemm_spec({"naive"}, {{"m", {"abc"}}})).find("'abc' is not an integer"), std::string::npos);
  EXPECT_NE(error_of(gemm_spec({"naive"}, {{"m", {"99999999999"}}})).find("out of range"), std::string::npos);
  EXPECT_NE(error_of(gemm_spec({"naive"}, {{"m", {"99999999999999999999999"}}})).find("out of range"),
            std::string::npos);
  EXPECT_NE(error_of(gemm_spec({"threads=0"}, {})).find("threads='0'"), std::string::npos);
  MatrixSpec bad_d = gemm_spec({"naive"}, {});
  bad_d.groups[0].devices = {"tpu"};
  EXPECT_NE(error_of(bad_d).find("unknown device 'tpu'"), std::string::npos);
  EXPECT_NE(error_of(MatrixSpec{}).find("empty"), std::string::npos);
}

TEST(MatrixFile, ParsesGroupsAndOptions) {
  auto j = nlohmann::json::parse(R"({"matrices":[{"workloads":["gemm"],"strategies":"naive,blocked",
      "params":{"m":[16,"32-64*2"],"n":8,"k":"4"}}], "measure":{"target_rse":0.02}, "runner":{"timeout_s":9}})");
  MatrixSpec s = matrix_from_json(j, "m.json");
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].params["m"], (V{"16", "32", "64"}));
  EXPECT_EQ(s.measure.target_rse, 0.02);
  EXPECT_EQ(s.runner.timeout_s, 9);
  EXPECT_EQ(expand(s).size(), 6u);
  // Round trip through the log's form.
  EXPECT_EQ(expand(matrix_from_json(to_json(s), "again")).size(), 6u);
}

TEST(MatrixFile, ErrorsNameTheField) {
  auto err = [](const char* text) {
    try {
      matrix_from_json(nlohmann::json::parse(text), "m.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err(R"({"strategies":["naive"]})").find("m.json: workloads: missing required field"), std::string::npos);
  EXPECT_NE(err(R"({"workloads":"gemm","params":{"m":[true]}})").find("params.m[0]"), std::string::npos);
  EXPECT_NE(err(R"({"workloads":"gemm","parms":{}})").find("parms: unknown field"), std::string::npos);
  EXPECT_NE(err(R"({"workloads":"gemm","measure":{"min_samples":"5"}})").find("measure.min_samples"),
            std::string::npos);
  EXPECT_NE(err(R"([1,2])").find("expected an object"), std::string::npos);
}

}  // namespace
}  // namespace sb
