// Shared by the GGUF tests: a small config, the 64-piece test vocabulary, and the error a
// byte string gives when parsed as a GGUF file.
#pragma once

#include <span>
#include <string>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/llm/llama_gguf.hpp"

namespace sb::llm::test {

inline std::string data_path(const std::string& name) { return std::string(STRATBENCH_TEST_DATA_DIR) + "/" + name; }

inline ModelConfig small_config() {
  ModelConfig c;
  c.name = "test";
  c.dim = 64, c.n_layers = 2, c.n_heads = 4, c.n_kv_heads = 2, c.hidden_dim = 96, c.vocab_size = 64, c.max_seq_len = 32;
  return c;
}

inline const Vocab& test_vocab() {
  static const Vocab v = load_vocab_jsonl(data_path("vocab-64.jsonl"));
  return v;
}

inline std::string parse_error(std::span<const std::uint8_t> bytes, const std::string& name = "x.gguf") {
  try {
    GgufFile::from_memory(bytes, name);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(parsed without error)";
}

}  // namespace sb::llm::test
