// Llama model files: a ModelConfig + synthetic weights + a vocabulary become a GGUF file
// that llama.cpp loads and runs, and a GGUF file gives back its ModelConfig.
//
// Metadata written (types as llama.cpp's loader demands them: it checks each key's type
// exactly, and reads counts as uint32):
//   general.architecture "llama", general.name, general.file_type (uint32),
//   general.quantization_version 2, llama.vocab_size, llama.context_length,
//   llama.embedding_length, llama.block_count, llama.feed_forward_length,
//   llama.rope.dimension_count (= head_dim: llama.cpp requires it for LLAMA),
//   llama.attention.head_count, llama.attention.head_count_kv (uint32),
//   llama.attention.layer_norm_rms_epsilon, llama.rope.freq_base (float32),
//   tokenizer.ggml.model "llama" (SentencePiece), .tokens (string[]), .scores (float32[]),
//   .token_type (int32[]), .bos_token_id 1, .eos_token_id 2, .unknown_token_id 0 (uint32),
//   .add_bos_token true, .add_eos_token false,
//   stratbench.config (the config name) and stratbench.seed (uint64).
//
// Storage types by --type (llama.cpp's choices where ours allow):
//   f32    every tensor F32
//   f16    F16 for token_embd, projections and output; RMSNorm gains stay F32
//   bf16   the same with BF16
//   q8_0   Q8_0 for token_embd, projections and output; gains F32
//   q4_0   Q4_0 for token_embd and projections; output.weight Q8_0; gains F32.
//          llama.cpp's quantize keeps the LM head at higher precision (Q6_K, or Q8_0
//          when its rows do not split into 256-blocks); Q6_K is not one of our types, so
//          Q8_0. With tied embeddings token_embd is the head, and so is Q8_0 too.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/llm/model_config.hpp"
#include "stratbench/workloads/llm/synthetic_weights.hpp"
#include "stratbench/workloads/llm/vocab.hpp"

namespace sb::llm {

enum class WeightType { f32, f16, bf16, q8_0, q4_0 };

WeightType parse_weight_type(const std::string& s);  // InputError listing the choices
const char* to_string(WeightType t);                 // "f32", ..., "q4_0"
// ggml's LLAMA_FTYPE numbers: ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7, MOSTLY_BF16 32.
std::uint32_t llama_file_type(WeightType t);
// "ALL_F32", "MOSTLY_Q8_0", ... for a general.file_type number; "unknown" otherwise.
std::string llama_file_type_name(std::uint32_t ftype);
// The storage type of one tensor of a `t` file (the table above).
GgmlType storage_type(WeightType t, const TensorSpec& spec, bool tied_embeddings);

// Floats (a whole tensor, dims[0] a multiple of 32 for the block types) to storage bytes,
// and a stored tensor back to floats.
std::vector<std::uint8_t> encode_tensor(GgmlType type, std::span<const float> values);
std::vector<float> decode_tensor(const GgufTensor& t);

// The general.* and llama.* keys of the table above (validates c).
void set_llama_metadata(GgufWriter& w, const ModelConfig& c, WeightType t);
// Every tensor of llama_tensor_specs(c) in its storage type for t, from floats produced one
// tensor at a time while writing (a trained model's parameters, synthetic weights).
using TensorFloats = std::function<std::vector<float>(const TensorSpec&)>;
void add_llama_tensors(GgufWriter& w, const ModelConfig& c, WeightType t, const TensorFloats& floats);

// The whole model file, tensors produced one at a time while writing. InputError when the
// vocabulary's size differs from c.vocab_size (or it lacks ids 0..2 for unk/bos/eos).
GgufWriter llama_gguf_writer(const ModelConfig& c, std::uint64_t seed, WeightType t, const Vocab& vocab);

// The config a llama GGUF file describes; InputError naming the file and key when the
// architecture is not llama or a required key is missing or mistyped. tied_embeddings is
// true when output.weight is absent.
ModelConfig llama_config_from_gguf(const GgufFile& f);

// Every tensor llama_tensor_specs(c) lists is present with those dims (extra tensors are
// allowed); InputError naming the first that is missing or misshapen.
void check_llama_tensors(const GgufFile& f, const ModelConfig& c);

}  // namespace sb::llm
