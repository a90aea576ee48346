// libFuzzer target for `stratbench tokenize --decode`'s input: a JSON array of token ids,
// under fuzz_contract.hpp; every id it returns fits 32 bits by construction.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_contract.hpp"
#include "token_ids.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sb::fuzz::must_parse_or_name("ids.json", [&] { sb::cli::parse_token_ids(text, "ids.json"); });
  return 0;
}
