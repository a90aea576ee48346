// libFuzzer target for run logs (`stratbench run --resume LOG`): the header, the matrix
// in it and every cell line, with a torn last line forgiven, under fuzz_contract.hpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_contract.hpp"
#include "stratbench/harness/run_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sb::fuzz::must_parse_or_name("r.jsonl", [&] { sb::parse_run_log(text, "r.jsonl"); });
  return 0;
}
