#include "stratbench/workloads/llm/bpe_vocab.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/text/bpe_trainer.hpp"
#include "stratbench/workloads/text/unicode_class.hpp"

namespace sb::llm {
namespace {

constexpr const char* kModel = "tokenizer.ggml.model";
constexpr const char* kPre = "tokenizer.ggml.pre";
constexpr const char* kTokens = "tokenizer.ggml.tokens";
constexpr const char* kTypes = "tokenizer.ggml.token_type";
constexpr const char* kMerges = "tokenizer.ggml.merges";
constexpr const char* kBos = "tokenizer.ggml.bos_token_id";
constexpr const char* kEos = "tokenizer.ggml.eos_token_id";
constexpr std::int32_t kNormal = 1, kControl = 3;  // llama.cpp's LLAMA_TOKEN_TYPE_*

// byte -> code point, and code point (< 0x144) -> byte + 1 (0: not a byte's character).
struct ByteTable {
  std::array<char32_t, 256> cp{};
  std::array<std::uint16_t, 0x144> byte{};
  ByteTable() {
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const bool self = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      cp[b] = self ? static_cast<char32_t>(b) : next++;
      byte[cp[b]] = static_cast<std::uint16_t>(b + 1);
    }
  }
};
const ByteTable& byte_table() {
  static const ByteTable t;
  return t;
}

// A token's text for a message: printable ASCII as is, other bytes as \xNN; cut at 40.
std::string shown(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < 40; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return s.size() > 40 ? out + "..." : out;
}

}  // namespace

std::string gpt2_bytes_to_unicode(std::string_view bytes) {
  const ByteTable& t = byte_table();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) text::append_utf8(out, t.cp[b]);
  return out;
}

bool gpt2_unicode_to_bytes(std::string_view text, std::string& bytes) {
  const ByteTable& t = byte_table();
  bytes.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    char32_t cp;
    p += text::decode_utf8(p, end, cp);
    if (cp >= t.byte.size() || t.byte[cp] == 0) return false;  // kInvalid is large too
    bytes += static_cast<char>(t.byte[cp] - 1);
  }
  return true;
}

void set_gpt2_tokenizer(GgufWriter& w, const text::Encoding& enc) {
  const std::string& name = enc.name();
  if (enc.pattern() != text::Pattern::gpt2)
    throw InputError(name + ": llama.cpp's 'gpt-2' pre-tokenizer splits text as Pattern::gpt2 only; this encoding " +
                     "uses another pattern");
  const text::RankTable& ranks = enc.ranks();
  auto specials = enc.specials();
  std::sort(specials.begin(), specials.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  std::uint32_t eot = text::RankTable::kNone;
  for (std::size_t i = 0; i < specials.size(); ++i) {
    if (specials[i].second != ranks.size() + i)
      throw InputError(name + ": special token " + specials[i].first + " has id " + std::to_string(specials[i].second) +
                       ", but GGUF ids are array indices: specials must follow the " + std::to_string(ranks.size()) +
                       " ranks without holes");
    if (specials[i].first == text::Encoding::kEndOfText) eot = specials[i].second;
  }
  if (eot == text::RankTable::kNone)
    throw InputError(name + ": has no " + text::Encoding::kEndOfText + ", which GPT-2 vocabularies use as bos and eos");

  std::vector<std::string> tokens;
  std::vector<std::int32_t> types;
  tokens.reserve(ranks.size() + specials.size());
  for (std::uint32_t r = 0; r < ranks.size(); ++r) {
    tokens.push_back(gpt2_bytes_to_unicode(ranks.bytes(r)));
    types.push_back(kNormal);
  }
  for (const auto& s : specials) {
    tokens.push_back(s.first);
    types.push_back(kControl);
  }
  // llama.cpp refuses a file whose token strings repeat ("duplicate token in vocabulary").
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 0; i < tokens.size(); ++i)
    if (!seen.insert(tokens[i]).second)
      throw InputError(name + ": token " + std::to_string(i) + " ('" + shown(tokens[i]) +
                       "') has the same GGUF string as an earlier token");

  std::vector<std::string> merges;
  for (const text::BpeMerge& m : text::derive_merges(ranks, name))
    merges.push_back(tokens[m.left] + " " + tokens[m.right]);

  w.set(kModel, GgufValue::string("gpt2"));
  w.set(kPre, GgufValue::string("gpt-2"));
  w.set(kTokens, GgufValue::string_array(std::move(tokens)));
  w.set(kTypes, GgufValue::i32_array(types));
  w.set(kMerges, GgufValue::string_array(std::move(merges)));
  w.set(kBos, GgufValue::u32(eot));
  w.set(kEos, GgufValue::u32(eot));
  w.set("tokenizer.ggml.add_bos_token", GgufValue::boolean(false));
  w.set("tokenizer.ggml.add_eos_token", GgufValue::boolean(false));
}

text::Encoding encoding_from_gguf(const GgufFile& f) {
  const std::string& file = f.name();
  auto fail = [&](const std::string& what) -> void { throw InputError(file + ": " + what); };
  const std::string model = f.get_string(kModel);
  if (model != "gpt2")
    fail(std::string(kModel) + " is '" + shown(model) + "', expected 'gpt2' (a GPT-2-style byte-level BPE vocabulary)");
  if (!f.has(kPre))
    fail(std::string("metadata key '") + kPre + "' is missing: llama.cpp would fall back to its 'default' " +
         "pre-tokenizer, which splits text unlike GPT-2's");
  const std::string pre = f.get_string(kPre);
  if (pre != "gpt-2")
    fail(std::string(kPre) + " is '" + shown(pre) + "', expected 'gpt-2' (the only pre-tokenizer this reader knows)");

  const std::vector<std::string>& tokens = f.get_string_array(kTokens);
  const std::vector<std::int32_t> types = f.get_i32_array(kTypes);
  if (types.size() != tokens.size())
    fail(std::string(kTypes) + " has " + std::to_string(types.size()) + " entries for " +
         std::to_string(tokens.size()) + " tokens");
  std::vector<std::string> bytes;
  std::vector<std::pair<std::string, std::uint32_t>> specials;
  std::string b;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string at = std::string(kTokens) + "[" + std::to_string(i) + "] '" + shown(tokens[i]) + "'";
    if (types[i] == kControl) {
      specials.emplace_back(tokens[i], static_cast<std::uint32_t>(i));
    } else if (types[i] != kNormal) {
      fail(std::string(kTypes) + "[" + std::to_string(i) + "] is " + std::to_string(types[i]) +
           "; a GPT-2 vocabulary has normal (1) and control (3) tokens only");
    } else if (!specials.empty()) {
      fail(at + " is a normal token after the control token " + std::to_string(specials[0].second) +
           ": ordinary ranks come first");
    } else if (!gpt2_unicode_to_bytes(tokens[i], b) || b.empty()) {
      fail(at + " is empty or has a character outside GPT-2's byte-to-unicode table");
    } else {
      bytes.push_back(b);
    }
  }
  for (const char* key : {kBos, kEos})
    if (f.has(key) && f.get_u32(key) >= tokens.size())
      fail(std::string(key) + " = " + std::to_string(f.get_u32(key)) + " is not a token id (" +
           std::to_string(tokens.size()) + " tokens)");

  text::RankTable ranks = text::RankTable::from_tokens(bytes, file + ": " + kTokens);
  const std::vector<std::string>& merges = f.get_string_array(kMerges);
  const std::vector<text::BpeMerge> expected = text::derive_merges(ranks, file + ": " + kTokens);
  if (merges.size() != expected.size())
    fail(std::string(kMerges) + " has " + std::to_string(merges.size()) + " merges; the " +
         std::to_string(bytes.size()) + " normal tokens need " + std::to_string(expected.size()) +
         " (one per multi-byte token)");
  std::string left, right;
  std::size_t k = 0;  // index of the multi-byte token merges[i] must make
  for (std::size_t i = 0; i < merges.size(); ++i, ++k) {
    while (ranks.bytes(static_cast<std::uint32_t>(k)).size() < 2) ++k;
    const std::string at = std::string(kMerges) + "[" + std::to_string(i) + "] '" + shown(merges[i]) + "'";
    const std::size_t sp = merges[i].find(' ', 1);  // where llama.cpp splits it
    if (sp == std::string::npos || !gpt2_unicode_to_bytes(std::string_view(merges[i]).substr(0, sp), left) ||
        !gpt2_unicode_to_bytes(std::string_view(merges[i]).substr(sp + 1), right))
      fail(at + " is not two tokens in GPT-2's byte-to-unicode form separated by a space");
    const auto find = [&](const std::string& s) {
      return ranks.find(reinterpret_cast<const unsigned char*>(s.data()), s.size());
    };
    const text::BpeMerge got{find(left), find(right)};
    if (got != expected[i])
      fail(at + " does not make token " + std::to_string(k) + " ('" + shown(tokens[k]) + "') from tokens " +
           std::to_string(expected[i].left) + " and " + std::to_string(expected[i].right) +
           ", the merge by which tiktoken's BPE makes it; llama.cpp's ids would differ");
  }
  return text::Encoding::custom(file, text::Pattern::gpt2, std::move(ranks), std::move(specials));
}

}  // namespace sb::llm
