#pragma once

#include <memory>

#include "stratbench/workloads/workload.hpp"

namespace sb {

// `prefill`: the prompt of every sequence through the model as one batched product, to the
// logits of its last token. `decode`: a whole greedy request (prefill, then gen_len tokens)
// with time to first token and time per output token as counters; throughput counts
// generated tokens. `generate`: the same request, throughput over prompt and generated
// tokens, quality from free-running greedy tokens.
std::unique_ptr<Workload> make_prefill_workload();
std::unique_ptr<Workload> make_decode_workload();
std::unique_ptr<Workload> make_generate_workload();
// Why the engine cannot run strategy s (combinations it does not implement); empty when it
// can. Shared by every workload over the engine (the QA server's too).
std::string engine_unsupported(const Strategy& s);
// The `model` parameter of the workloads over the engine.
ParamSpec model_param(const char* default_value = "tiny");
// `attention`: causal grouped-query attention alone (seq_len, heads, head_dim, kv_heads).
std::unique_ptr<Workload> make_attention_workload();

}  // namespace sb
