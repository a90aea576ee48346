// Fuzz target for the tokenizer: any bytes must encode without a crash, to the same ids
// under every merge strategy (the pairs loop is the oracle for the heap and the cache),
// and decode back to the same bytes; the same bytes read as token ids or as a rank file
// must give a result or an InputError, nothing else. Needs the vocabularies that
// scripts/setup.sh installs ($STRATBENCH_DATASETS_DIR or the source tree's datasets/).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/text/bpe_encoder.hpp"

namespace {

using namespace sb::text;

[[noreturn]] void fail(const char* what, const Encoding& enc) {
  std::fprintf(stderr, "tokenizer_fuzz: %s (%s)\n", what, enc.name().c_str());
  std::abort();
}

struct State {
  explicit State(const Encoding& e)
      : enc(e), pairs(e, {MergeAlgo::pairs, false}), heap_cache(e, {MergeAlgo::heap, true, 6}) {}
  const Encoding& enc;
  Encoder pairs;
  Encoder heap_cache;  // a small cache (64 slots), so slots get replaced
  std::vector<std::uint32_t> a, b;
};

void check(State& s, std::string_view text) {
  s.a.clear();
  s.b.clear();
  s.pairs.encode_ordinary(text, s.a);
  s.heap_cache.encode_ordinary(text, s.b);
  if (s.a != s.b) fail("heap+cache ids differ from the pairs loop", s.enc);
  if (s.enc.decode(s.a) != text) fail("decode(encode(x)) != x", s.enc);
  s.b.clear();
  s.heap_cache.encode_with_special(text, s.b);
  if (s.enc.decode(s.b) != text) fail("decode(encode_with_special(x)) != x", s.enc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static State gpt2(Encoding::get("gpt2"));
  static State cl100k(Encoding::get("cl100k_base"));
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(gpt2, text);
  check(cl100k, text);
  // The bytes as token ids: some are out of range, which must be an InputError.
  std::vector<std::uint32_t> ids;
  for (std::size_t i = 0; i + 3 < size; i += 4)
    ids.push_back((data[i] | data[i + 1] << 8 | data[i + 2] << 16 | std::uint32_t{data[i + 3]} << 24) % 110000u);
  try {
    (void)cl100k.enc.decode(ids);
  } catch (const sb::InputError&) {
  }
  // The bytes as a rank file.
  try {
    (void)RankTable::parse(text, "fuzz.tiktoken");
  } catch (const sb::InputError&) {
  }
  return 0;
}
