#include "stratbench/workloads/text/lexicons.hpp"

#include <cctype>
#include <charconv>
#include <fstream>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <sstream>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/text/text_input.hpp"
#include "stratbench/workloads/text/unicode_class.hpp"

namespace sb::text {

template <class String>
void lowercase_into(std::string_view in, String& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const auto* end = p + in.size();
  while (p < end) {
    if (*p < 0x80) {
      out += static_cast<char>(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
      ++p;
      continue;
    }
    char32_t cp;
    const int n = decode_utf8(p, end, cp);
    if (cp == kInvalid)
      out += static_cast<char>(*p);
    else
      append_utf8(out, to_lower(cp));
    p += n;
  }
}
template void lowercase_into<std::string>(std::string_view, std::string&);
template void lowercase_into<std::pmr::string>(std::string_view, std::pmr::string&);

namespace {

// Calls fn(line_no, first, second) for each `first<TAB>second` line.
template <class Fn>
void read_tsv(const std::string& path, Fn fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open (scripts/setup.sh builds it)");
  std::string line;
  std::size_t no = 0;
  while (std::getline(in, line)) {
    ++no;
    const std::size_t tab = line.find('\t');
    if (line.empty() || tab == std::string::npos || tab == 0 || tab + 1 == line.size() ||
        line.find('\t', tab + 1) != std::string::npos)
      throw InputError(path + ":" + std::to_string(no) + ": expected two fields separated by one tab");
    if (!is_valid_utf8(line.data(), line.size()))
      throw InputError(path + ":" + std::to_string(no) + ": not valid UTF-8");
    fn(no, std::string_view(line).substr(0, tab), std::string_view(line).substr(tab + 1));
  }
  if (no == 0) throw InputError(path + ": empty");
}

}  // namespace

Lexicons Lexicons::load(const std::string& sentiment_tsv, const std::string& gazetteer_tsv) {
  Lexicons l;
  read_tsv(sentiment_tsv, [&](std::size_t no, std::string_view word, std::string_view score) {
    int v = 0;
    auto [p, ec] = std::from_chars(score.data(), score.data() + score.size(), v);
    if (ec != std::errc() || p != score.data() + score.size() || v < -5 || v > 5)
      throw InputError(sentiment_tsv + ":" + std::to_string(no) + ": score '" + std::string(score) +
                       "' is not an integer in -5..5");
    std::string key;
    lowercase_into(word, key);
    l.sentiment[key] = v;
  });
  read_tsv(gazetteer_tsv, [&](std::size_t, std::string_view name, std::string_view type) {
    // Keys are spelled as the pipeline sees text: lowercased words joined by one space
    // (so "Guinea-Bissau" is found as the words "guinea bissau").
    std::string lower, key;
    lowercase_into(name, lower);
    for (std::size_t i = 0; i < lower.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(lower[i]);
      const bool apostrophe = c == '\'' && i > 0 && i + 1 < lower.size() && lower[i - 1] != ' ' && lower[i + 1] != ' ';
      const bool sep = c < 0x80 && !std::isalnum(c) && !apostrophe;
      if (!sep)
        key += static_cast<char>(c);
      else if (!key.empty() && key.back() != ' ')
        key += ' ';
    }
    while (!key.empty() && key.back() == ' ') key.pop_back();
    if (key.empty()) return;
    int words = 1;
    for (char c : key) words += c == ' ';
    l.max_name_words = std::max(l.max_name_words, words);
    l.gazetteer.emplace(key, std::string(type));
    for (std::size_t sp = key.find(' '); sp != std::string::npos; sp = key.find(' ', sp + 1))
      l.name_prefixes.insert(key.substr(0, sp));
  });
  return l;
}

const Lexicons& Lexicons::get() {
  static std::once_flag once;
  static std::unique_ptr<Lexicons> l;
  std::call_once(once, [] {
    l = std::make_unique<Lexicons>(
        load(datasets_dir() + "/lexicon/afinn.tsv", datasets_dir() + "/gazetteer/places.tsv"));
  });
  return *l;
}

}  // namespace sb::text
