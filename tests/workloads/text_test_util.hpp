// Shared by the text tests: where the test data is, and whether the vocabularies that
// scripts/setup.sh installs are here (a skip says so; CI sets STRATBENCH_REQUIRE_DATASETS=1
// so that a missing vocabulary fails instead).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "stratbench/workloads/text/encoding.hpp"

namespace sb::testing {

inline std::string test_data(const std::string& name) { return std::string(STRATBENCH_TEST_DATA_DIR) + "/" + name; }

inline bool require_datasets() {
  const char* v = std::getenv("STRATBENCH_REQUIRE_DATASETS");
  return v && std::string(v) == "1";
}

// Empty when the encoding's rank file is present; otherwise the reason to skip.
inline std::string missing_vocab(const std::string& encoding) {
  const std::string p = text::Encoding::vocab_path(encoding);
  return std::filesystem::exists(p) ? "" : p + " is missing: run scripts/setup.sh";
}

}  // namespace sb::testing

#define SB_REQUIRE_VOCAB(enc)                                   \
  do {                                                          \
    const std::string why_ = ::sb::testing::missing_vocab(enc); \
    if (!why_.empty()) {                                        \
      if (::sb::testing::require_datasets()) FAIL() << why_;    \
      GTEST_SKIP() << why_;                                     \
    }                                                           \
  } while (0)

#define SB_REQUIRE_FILE(path)                                                                     \
  do {                                                                                            \
    const std::string p_ = (path);                                                                \
    if (!std::filesystem::exists(p_)) {                                                           \
      if (::sb::testing::require_datasets()) FAIL() << p_ << " is missing: run scripts/setup.sh"; \
      GTEST_SKIP() << p_ << " is missing: run scripts/setup.sh";                                  \
    }                                                                                             \
  } while (0)
