// libFuzzer target for matrix files (`stratbench run -m FILE`): parsing, then the full
// validation and expansion that runs before any cell (unknown names, ranges, runaway
// matrices), under the contract of fuzz_contract.hpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_contract.hpp"
#include "stratbench/harness/matrix.hpp"
#include "stratbench/result/result_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sb::fuzz::must_parse_or_name("m.json", [&] {
    const sb::MatrixSpec spec = sb::matrix_from_json(sb::parse_json_text(text, "m.json"), "m.json");
    try {
      sb::expand(spec);
    } catch (const sb::InputError& e) {
      // expand's messages name the workload, strategy or parameter, not the file: the CLI
      // prints them under the command it ran. Only their type is the contract here.
    }
  });
  return 0;
}
