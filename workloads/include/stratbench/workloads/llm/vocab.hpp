// A SentencePiece vocabulary as llama.cpp's GGUF files carry it (tokenizer.ggml.tokens,
// .scores, .token_type), loaded from the project's JSON-lines form:
//   {"id":0,"piece":"<unk>","score":0,"type":2}
// one object per line, ids 0..N-1 in order. datasets/vocab/llama-32000.jsonl (the Llama 2
// vocabulary, made by scripts/setup.sh from an npm package) is the standard one.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace sb::llm {

// SentencePiece token types as GGUF numbers them (tokenizer.ggml.token_type).
enum class TokenType : std::int32_t { normal = 1, unknown = 2, control = 3, user_defined = 4, unused = 5, byte = 6 };

struct Vocab {
  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::vector<std::int32_t> types;
  std::size_t size() const { return pieces.size(); }
};

// Default location of the Llama vocabulary, from the datasets directory of the build.
std::string default_vocab_path();

// InputError "<path>:<line>: <problem>" for bad JSON, a missing or mistyped field, an id
// out of order, an empty or repeated piece, a score that is not finite as a float or a
// type outside 1..6;
// "<path>: cannot open file" when missing.
Vocab load_vocab_jsonl(const std::string& path);
// The same from a stream; path only names it in the errors.
Vocab load_vocab_jsonl(std::istream& in, const std::string& path);

}  // namespace sb::llm
