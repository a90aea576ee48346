// libFuzzer target for the vocabulary loader (datasets/vocab/*.jsonl, read by `-p model=`
// runs and `stratbench model write`). For any bytes, load_vocab_jsonl must either return a
// vocabulary that keeps its promises (ids 0..N-1 one a line, non-empty unique pieces,
// scores finite as floats, types in 1..6) or throw sb::InputError naming the line; any
// other exception, a crash or a sanitizer report is a bug.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/vocab.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    const sb::llm::Vocab v = sb::llm::load_vocab_jsonl(in, "fuzz.jsonl");
    if (v.size() == 0 || v.scores.size() != v.size() || v.types.size() != v.size()) std::abort();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v.pieces[i].empty() || !seen.insert(v.pieces[i]).second) std::abort();
      if (!std::isfinite(v.scores[i]) || v.types[i] < 1 || v.types[i] > 6) std::abort();
    }
  } catch (const sb::InputError& e) {
    if (std::string(e.what()).rfind("fuzz.jsonl", 0) != 0) std::abort();  // errors name the file
  }
  return 0;
}
