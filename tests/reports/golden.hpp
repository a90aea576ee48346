// Golden-file comparison for the writers' tests: `got` against tests/data/golden/FILE.
// Regenerate deliberately with STRATBENCH_UPDATE_GOLDEN=1.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace sb::test {

inline void expect_golden(const std::string& got, const std::string& file, const std::string& what) {
  const std::string path = std::string(STRATBENCH_TEST_DATA) + "/golden/" + file;
  if (std::getenv("STRATBENCH_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << got;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path;
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(got, want.str()) << what << " differs from " << path;
}

}  // namespace sb::test
