#include "stratbench/workloads/text/rank_table.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "stratbench/result/errors.hpp"

namespace sb::text {
namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Strict standard base64 with padding; false on any malformed input.
bool decode_base64(std::string_view in, std::string& out) {
  out.clear();
  if (in.empty() || in.size() % 4 != 0) return false;
  for (std::size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = in[i + j];
      if (c == '=') {
        if (i + 4 != in.size() || j < 2) return false;
        v[j] = 0;
        ++pad;
      } else {
        if (pad) return false;
        v[j] = base64_value(c);
        if (v[j] < 0) return false;
      }
    }
    const std::uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>(n >> 16);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(n & 0xFF);
  }
  return true;
}

}  // namespace

RankTable RankTable::load(const std::string& path, std::size_t expected_ranks) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the BPE rank file (scripts/setup.sh installs it)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path, expected_ranks);
}

RankTable RankTable::parse(std::string_view content, const std::string& name, std::size_t expected_ranks) {
  std::vector<std::string> tokens;
  std::vector<std::size_t> line_of;
  std::size_t line_no = 0;
  std::string bytes;
  for (std::size_t pos = 0; pos < content.size();) {
    std::size_t nl = content.find('\n', pos);
    const bool last = nl == std::string_view::npos;
    if (last) nl = content.size();
    std::string_view line = content.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    const std::string where = name + ":" + std::to_string(line_no);
    if (last && !line.empty()) throw InputError(where + ": the last line has no newline (the file is truncated)");
    if (line.empty()) throw InputError(where + ": empty line");
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0 || line.find(' ', sp + 1) != std::string_view::npos)
      throw InputError(where + ": expected '<base64 token> <rank>'");
    if (!decode_base64(line.substr(0, sp), bytes))
      throw InputError(where + ": the token '" + std::string(line.substr(0, std::min<std::size_t>(sp, 40))) +
                       "' is not valid base64");
    std::uint64_t rank = 0;
    const std::string_view r = line.substr(sp + 1);
    auto [p, ec] = std::from_chars(r.data(), r.data() + r.size(), rank);
    if (ec != std::errc() || p != r.data() + r.size() || r.empty())
      throw InputError(where + ": the rank '" + std::string(r.substr(0, 20)) + "' is not a non-negative integer");
    if (rank >= (1u << 24)) throw InputError(where + ": rank " + std::to_string(rank) + " is implausibly large");
    if (rank >= tokens.size()) {
      tokens.resize(rank + 1);
      line_of.resize(rank + 1, 0);
    }
    if (line_of[rank])
      throw InputError(where + ": rank " + std::to_string(rank) + " was already given on line " +
                       std::to_string(line_of[rank]));
    tokens[rank] = bytes;
    line_of[rank] = line_no;
  }
  if (tokens.empty()) throw InputError(name + ": no ranks (empty file)");
  for (std::size_t r = 0; r < tokens.size(); ++r)
    if (!line_of[r]) throw InputError(name + ": rank " + std::to_string(r) + " is missing (ranks must be 0..N-1)");
  if (expected_ranks && tokens.size() != expected_ranks)
    throw InputError(name + ": has " + std::to_string(tokens.size()) + " ranks, expected " +
                     std::to_string(expected_ranks) + " (truncated or the wrong file?)");

  return build(tokens, name, [&](std::uint32_t r) { return name + ":" + std::to_string(line_of[r]); });
}

RankTable RankTable::from_tokens(const std::vector<std::string>& tokens, const std::string& name) {
  if (tokens.empty()) throw InputError(name + ": no ranks (empty vocabulary)");
  if (tokens.size() >= (1u << 24))
    throw InputError(name + ": " + std::to_string(tokens.size()) + " ranks is implausibly many");
  return build(tokens, name, [&](std::uint32_t) { return name; });
}

template <class Where>
RankTable RankTable::build(const std::vector<std::string>& tokens, const std::string& name, Where where) {
  RankTable t;
  std::size_t total = 0;
  for (const auto& tok : tokens) {
    if (tok.empty())
      throw InputError(name + ": the token of rank " + std::to_string(&tok - tokens.data()) + " is empty");
    total += tok.size();
  }
  t.arena_.reserve(total);
  t.offsets_.reserve(tokens.size() + 1);
  for (const auto& tok : tokens) {
    t.arena_ += tok;
    t.offsets_.push_back(static_cast<std::uint32_t>(t.arena_.size()));
    t.max_len_ = std::max(t.max_len_, tok.size());
  }
  std::size_t cap = 1;
  while (cap < tokens.size() * 2) cap <<= 1;
  t.slots_.assign(cap, Slot{});
  t.mask_ = cap - 1;
  std::fill(std::begin(t.byte_rank_), std::end(t.byte_rank_), kNone);
  for (std::uint32_t r = 0; r < tokens.size(); ++r) {
    const auto* p = reinterpret_cast<const unsigned char*>(tokens[r].data());
    const std::size_t n = tokens[r].size();
    if (t.find(p, n) != kNone)
      throw InputError(where(r) + ": the token of rank " + std::to_string(r) + " repeats the bytes of rank " +
                       std::to_string(t.find(p, n)));
    const std::uint64_t h = hash(p, n);
    std::size_t i = h & t.mask_;
    while (t.slots_[i].rank != kNone) i = (i + 1) & t.mask_;
    t.slots_[i] = Slot{static_cast<std::uint32_t>(h >> 32), r};
    if (n == 1) t.byte_rank_[p[0]] = r;
  }
  for (int b = 0; b < 256; ++b)
    if (t.byte_rank_[b] == kNone)
      throw InputError(name + ": no token for the single byte " + std::to_string(b) +
                       " (byte-level BPE needs all 256)");
  return t;
}

}  // namespace sb::text
