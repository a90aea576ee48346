// GPT-2-style byte-level BPE vocabularies (text::Encoding with Pattern::gpt2: GPT-2's own,
// or one trained by text/bpe_trainer.hpp) in GGUF files, as llama.cpp loads them, so that
// a model served by llama.cpp and by this project reads and writes the same token ids.
//
// Metadata written (types exactly as llama.cpp's loader checks them; src/llama-vocab.cpp,
// llama_vocab::impl::load, and src/llama-model-loader.cpp, GGUFMeta::GKV):
//   tokenizer.ggml.model       "gpt2"    selects LLAMA_VOCAB_TYPE_BPE; the loader then
//                                        requires .merges (an array of strings) and throws
//                                        "cannot find tokenizer merges" without it.
//   tokenizer.ggml.pre         "gpt-2"   selects LLAMA_VOCAB_PRE_TYPE_GPT2, whose regex is
//       's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)
//     run by unicode_regex_split_custom_gpt2 (src/unicode.cpp), which also implements the
//     final |\s+ of GPT-2's pattern: a whitespace run keeps its last character for the
//     next piece when more text follows, else the run is one piece. That is Pattern::gpt2
//     (text/pretokenizer.hpp), character class for character class: contractions only
//     lower-case, " ?" only before a letter, number or other run. They can differ on text
//     that is not valid UTF-8 (llama.cpp reads each bad byte as U+FFFD, bytes EF BF BD;
//     tiktoken and we keep the byte), on unassigned code points (llama.cpp's custom split
//     gives each its own piece; the regex joins it to a ?[^\s\p{L}\p{N}]+ run), and where
//     the two Unicode tables' versions differ. Without .pre llama.cpp warns and uses its
//     'default' pre-tokenizer, which splits punctuation and digits differently.
//   tokenizer.ggml.tokens      string[]  rank r's bytes through GPT-2's byte-to-unicode
//                                        table (below); special tokens as their text.
//   tokenizer.ggml.token_type  int32[]   1 (normal) per rank, 3 (control) per special:
//                                        control tokens are matched as specials only when
//                                        the caller parses specials, and print as nothing
//                                        unless asked: tiktoken's encode_ordinary/decode.
//   tokenizer.ggml.merges      string[]  "left right" in the same mapped form, one per
//                                        multi-byte rank in rank order: llama.cpp's merge
//                                        rank is the index, so its order is tiktoken's.
//   tokenizer.ggml.bos_token_id, .eos_token_id  uint32  the <|endoftext|> id, as GPT-2
//                                        (llama.cpp would default both to 11 for BPE).
//   tokenizer.ggml.add_bos_token, .add_eos_token  bool false: GPT-2 prepends nothing, and
//     llama.cpp's BPE default is false too (only llama3-like pre-tokenizers turn it on),
//     so the ids of a prompt are the ids tiktoken gives it. Written anyway, so that no
//     reader has to guess.
// llama.cpp also marks <|endoftext|> as end of generation by its text (it looks for that
// name), and for the gpt2 type sets clean_spaces, which only its llama_detokenize applies
// (" ." -> "."): per-token pieces, as a server streams them, are the bytes.
//
// Why the merges reproduce tiktoken's ids: see text/bpe_trainer.hpp (the merge property);
// derive_merges finds them, and refuses a vocabulary without them.
#pragma once

#include <string>
#include <string_view>

#include "stratbench/workloads/llm/gguf.hpp"
#include "stratbench/workloads/text/encoding.hpp"

namespace sb::llm {

// GPT-2's bytes_to_unicode: bytes '!'..'~', 0xA1..0xAC and 0xAE..0xFF are the code points
// of the same number; the other 68 (controls, space, 0x7F..0xA0, 0xAD) are U+0100.. in
// byte order. Every byte becomes one printable non-space character, so a token is a
// string without spaces and a merge can separate its halves with one.
std::string gpt2_bytes_to_unicode(std::string_view bytes);
// The inverse; false (bytes unspecified) when a character is not in the table or the text
// is not valid UTF-8.
bool gpt2_unicode_to_bytes(std::string_view text, std::string& bytes);

// Writes the tokenizer keys above for enc. InputError naming the encoding when its pattern
// is not gpt2, when it has no <|endoftext|>, when its special ids do not directly follow
// the ranks (GGUF ids are array indices: no holes), when two tokens would share a string,
// or when a rank has no merge (derive_merges).
void set_gpt2_tokenizer(GgufWriter& w, const text::Encoding& enc);

// The encoding a GGUF file's gpt2 tokenizer describes, named by the file. InputError
// naming the file and the key (and index) when tokenizer.ggml.model is not "gpt2", .pre
// is missing or not "gpt-2", a key is missing or of the wrong type, arrays disagree in
// length, a token has a character outside the byte table or is of another type than
// normal and control, control tokens come before normal ones, a bos/eos id is out of
// range, or a merge is not the one that makes the next multi-byte token.
text::Encoding encoding_from_gguf(const GgufFile& f);

}  // namespace sb::llm
