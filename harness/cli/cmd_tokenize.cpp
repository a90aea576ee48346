// `stratbench tokenize`: encode a file or stdin to token ids (a JSON array), or decode ids
// back to text, like tiktoken's own tools; how ids are checked from outside.

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/workloads/text/bpe_encoder.hpp"
#include "stratbench/workloads/text/text_input.hpp"
#include "token_ids.hpp"

namespace sb::cli {
namespace {

struct TokenizeOptions {
  std::string encoding = "gpt2";
  bool decode = false;
  bool allow_special = false;
};

const std::vector<Flag<TokenizeOptions>>& tokenize_flags() {
  static const std::vector<Flag<TokenizeOptions>> t = {
      {"--encoding", "-e", "NAME",
       "gpt2 (also r50k_base), cl100k_base, or a FILE.tiktoken trained by `stratbench tokenizer train` (default "
       "gpt2)",
       [](TokenizeOptions& o, const std::string& v) { o.encoding = v; }},
      {"--decode", "-d", "", "read a JSON array of ids and write their text",
       [](TokenizeOptions& o, const std::string&) { o.decode = true; }},
      {"--allow-special", "", "", "encode special tokens such as <|endoftext|> as their ids (default: plain text)",
       [](TokenizeOptions& o, const std::string&) { o.allow_special = true; }},
      {"--help", "-h", "", "this help", [](TokenizeOptions&, const std::string&) {}},
  };
  return t;
}

std::string read_all(const std::string& path) {
  if (path == "-") {
    std::string s((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return s;
  }
  std::vector<char> buf;
  text::read_file_into(path, buf);
  return {buf.begin(), buf.end()};
}

void write_ids(const std::vector<std::uint32_t>& ids) {
  std::string out;
  out.reserve(ids.size() * 7 + 3);
  out += '[';
  char num[16];
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ", ";
    auto [p, ec] = std::to_chars(num, num + sizeof num, ids[i]);
    out.append(num, p);
  }
  out += "]\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace

int cmd_tokenize(const Args& args) {
  if (wants_help(args)) {
    std::cout << "usage: stratbench tokenize [options] [FILE]\n\n"
                 "Encodes FILE (or stdin, or '-') with a byte-level BPE encoding and prints the token ids as a JSON\n"
                 "array; the ids equal tiktoken's. With --decode, reads a JSON array of ids and writes their bytes.\n"
                 "A trained vocabulary (a path to its .tiktoken file) uses GPT-2's pre-tokenizer and has\n"
                 "<|endoftext|> as the id after its last rank.\n\n"
              << flags_help(tokenize_flags());
    return 0;
  }
  TokenizeOptions o;
  std::vector<std::string> pos;
  parse_flags(tokenize_flags(), args, o, pos);
  if (pos.size() > 1) throw InputError("tokenize takes at most one input file");
  const std::string path = pos.empty() ? "-" : pos[0];
  const std::string name = path == "-" ? "<stdin>" : path;
  const text::Encoding& enc = text::Encoding::get(o.encoding);
  const std::string input = read_all(path);
  if (o.decode) {
    const std::string bytes = enc.decode(parse_token_ids(input, name));
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    return 0;
  }
  text::EncoderOptions opt;
  opt.merge = text::MergeAlgo::heap;
  opt.cache = true;
  text::Encoder e(enc, opt);
  std::vector<std::uint32_t> ids;
  if (o.allow_special)
    e.encode_with_special(input, ids);
  else
    e.encode_ordinary(input, ids);
  write_ids(ids);
  return 0;
}

}  // namespace sb::cli
