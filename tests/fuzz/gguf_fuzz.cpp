// libFuzzer target for the GGUF reader. For any bytes, the reader must either parse them or
// throw sb::InputError; any other exception, a crash, a sanitizer report, a hang or a large
// allocation is a bug. Everything a parsed file offers is touched, so reads past the end
// of the input show up under AddressSanitizer.
#include <cstddef>
#include <cstdint>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/llm/llama_gguf.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sb::llm;
  try {
    const GgufFile f = GgufFile::from_memory({data, size}, "fuzz.gguf");
    std::uint64_t sink = f.alignment() + f.data_offset();
    for (const auto& [key, value] : f.metadata()) sink += key.size() + value.describe().size();
    for (const auto& t : f.tensors()) {
      sink += t.elements();
      if (t.bytes > 0) sink += t.data[0] + t.data[t.bytes - 1];
      // Decoding allocates 4 bytes per element (up to ~7x the tensor's bytes for Q4_0): keep
      // it to tensors of modest size so the fuzzer's memory limit means something.
      if (t.bytes <= (1u << 16)) sink += decode_tensor(t).size();
    }
    try {
      const ModelConfig c = llama_config_from_gguf(f);
      check_llama_tensors(f, c);
      sink += static_cast<std::uint64_t>(c.dim);
    } catch (const sb::InputError&) {
    }
    volatile std::uint64_t keep = sink;
    (void)keep;
  } catch (const sb::InputError&) {
  }
  return 0;
}
