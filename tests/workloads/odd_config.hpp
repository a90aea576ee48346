// A model shape awkward on purpose, for the engine's tests: GQA (4 query heads over 2 kv
// heads), hidden 96, vocab 67, context 40.
#pragma once

#include "stratbench/workloads/llm/model_config.hpp"

namespace sb::llm::test {

inline ModelConfig odd_config() {
  ModelConfig c;
  c.name = "odd";
  c.dim = 64, c.n_layers = 3, c.n_heads = 4, c.n_kv_heads = 2, c.hidden_dim = 96, c.vocab_size = 67;
  c.max_seq_len = 40;
  return c;
}

}  // namespace sb::llm::test
