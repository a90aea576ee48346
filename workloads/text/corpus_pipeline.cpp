#include "stratbench/workloads/text/corpus_pipeline.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/workloads/text/unicode_class.hpp"

namespace sb::text {
namespace {

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 31;
  x *= 0x7FB5D329728EA185ull;
  x ^= x >> 27;
  x *= 0x81DADEF4BC2DD44Dull;
  x ^= x >> 33;
  return x;
}

bool is_negation(std::string_view w) {
  return w == "not" || w == "no" || w == "never" || w == "without" || w == "nor" ||
         (w.size() > 3 && w.substr(w.size() - 3) == "n't");
}

}  // namespace

void PairCounts::add(std::uint64_t key, std::uint64_t n) {
  if ((size_ + 1) * 2 > slots_.size()) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    size_ = 0;
    for (const auto& s : old)
      if (s.count) add(s.key, s.count);
  }
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = mix(key) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.count && s.key == key) {
      s.count += n;
      return;
    }
    if (!s.count) {
      s.key = key;
      s.count = n;
      ++size_;
      return;
    }
  }
}

std::uint32_t CorpusCounts::term_id(std::string_view word) {
  if (auto it = terms.find(word); it != terms.end()) {
    ++it->second.count;
    return it->second.id;
  }
  const auto id = static_cast<std::uint32_t>(names.size());
  auto [it, fresh] = terms.emplace(std::string(word), Term{id, 1});
  names.push_back(&it->first);
  return id;
}

void CorpusCounts::merge(const CorpusCounts& o) {
  documents += o.documents;
  words += o.words;
  tokens += o.tokens;
  positive += o.positive;
  negative += o.negative;
  neutral += o.neutral;
  sentiment_sum += o.sentiment_sum;
  entities += o.entities;
  // Ids are per worker: map the other's ids to ours, then add its bigrams under our ids.
  std::vector<std::uint32_t> remap(o.names.size());
  for (const auto& [word, t] : o.terms) {
    auto it = terms.find(std::string_view(word));
    if (it == terms.end()) {
      const auto id = static_cast<std::uint32_t>(names.size());
      it = terms.emplace(word, Term{id, 0}).first;
      names.push_back(&it->first);
    }
    it->second.count += t.count;
    remap[t.id] = it->second.id;
  }
  o.bigrams.for_each([&](std::uint64_t key, std::uint64_t n) {
    bigrams.add(std::uint64_t{remap[key >> 32]} << 32 | remap[key & 0xFFFFFFFFu], n);
  });
  for (const auto& [k, v] : o.entity_counts) entity_counts[k] += v;
}

void CorpusCounts::clear() { *this = CorpusCounts{}; }

std::uint64_t CorpusCounts::digest() const {
  std::uint64_t d = mix(documents) ^ mix(words + 1) ^ mix(tokens + 2) ^ mix(positive + 3) ^ mix(negative + 4) ^
                    mix(neutral + 5) ^ mix(static_cast<std::uint64_t>(sentiment_sum) + 6) ^ mix(entities + 7);
  // Sums of per-entry hashes do not depend on iteration order or on ids.
  std::vector<std::uint64_t> word_hash(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) word_hash[i] = byte_hash(*names[i]);
  std::uint64_t t = 0, b = 0, e = 0;
  for (const auto& [k, v] : terms) t += mix(word_hash[v.id] ^ mix(v.count + 11));
  bigrams.for_each([&](std::uint64_t key, std::uint64_t n) {
    b += mix(word_hash[key >> 32] * 0x9E3779B97F4A7C15ull ^ word_hash[key & 0xFFFFFFFFu] ^ mix(n + 13));
  });
  for (const auto& [k, v] : entity_counts) e += mix(byte_hash(k) ^ mix(v + 17));
  return d + t + 3 * b + 5 * e;
}

bool CorpusCounts::same_as(const CorpusCounts& o) const {
  return documents == o.documents && words == o.words && tokens == o.tokens && positive == o.positive &&
         negative == o.negative && neutral == o.neutral && sentiment_sum == o.sentiment_sum && entities == o.entities &&
         terms.size() == o.terms.size() && bigrams.size() == o.bigrams.size() && entity_counts == o.entity_counts &&
         digest() == o.digest();
}

std::size_t next_document_boundary(std::string_view text, std::size_t from) {
  if (from >= text.size()) return text.size();
  const std::size_t at = text.find("\n\n", from);
  return at == std::string_view::npos ? text.size() : at + 2;
}

DocumentProcessor::DocumentProcessor(const Encoding& enc, const Lexicons& lex, bool pool)
    : lex_(lex), encoder_(enc, EncoderOptions{MergeAlgo::heap, true}), pool_(pool) {
  if (pool_) arena_buf_.resize(1 << 20);
}

void DocumentProcessor::process_text(std::string_view text, CorpusCounts& out) {
  std::size_t p = 0;
  while (p < text.size()) {
    while (p < text.size() && text[p] == '\n') ++p;
    if (p == text.size()) break;
    std::size_t q = text.find("\n\n", p);
    if (q == std::string_view::npos) q = text.size();
    process_document(text.substr(p, q - p), out);
    p = q;
  }
}

void DocumentProcessor::process_document(std::string_view doc, CorpusCounts& out) {
  // `pool`: per-document scratch comes from one arena that is released at the end of the
  // document (a pointer bump per allocation, nothing freed one by one); `malloc`: from the
  // global heap, one allocation and one free per container and per long string.
  std::pmr::monotonic_buffer_resource arena(arena_buf_.data(), arena_buf_.size(), std::pmr::new_delete_resource());
  std::pmr::memory_resource* mr =
      pool_ ? static_cast<std::pmr::memory_resource*>(&arena) : std::pmr::new_delete_resource();

  SB_RANGE(prof::Category::corpus, "document");
  ++out.documents;
  {
    SB_RANGE(prof::Category::corpus, "tokenize");
    ids_.clear();
    encoder_.encode_ordinary(doc, ids_);
    out.tokens += ids_.size();
  }

  // Words: runs of letters and digits, with an apostrophe kept between letters (don't).
  std::pmr::vector<Word> words(mr);
  {
    SB_RANGE(prof::Category::corpus, "words");
    const auto* b = reinterpret_cast<const unsigned char*>(doc.data());
    const auto* end = b + doc.size();
    const unsigned char* p = b;
    bool sentence_start = true;
    while (p < end) {
      int len;
      const CharClass c = detail::class_at(p, end, len);
      if (c != CharClass::letter && c != CharClass::number) {
        if (*p == '.' || *p == '!' || *p == '?') sentence_start = true;
        p += len;
        continue;
      }
      const unsigned char* w = p;
      char32_t first;
      decode_utf8(p, end, first);
      while (p < end) {
        int l2;
        const CharClass c2 = detail::class_at(p, end, l2);
        if (c2 == CharClass::letter || c2 == CharClass::number) {
          p += l2;
        } else if (*p == '\'' && p + 1 < end && p > w && detail::class_at(p + 1, end) == CharClass::letter) {
          p += 1;
        } else {
          break;
        }
      }
      Word word{std::string_view(reinterpret_cast<const char*>(w), static_cast<std::size_t>(p - w)),
                std::pmr::string(mr), is_upper(first), sentence_start};
      lowercase_into(word.orig, word.norm);
      words.push_back(std::move(word));
      sentence_start = false;
    }
    out.words += words.size();
  }

  // Terms, bigrams and sentiment (a negation within the three previous words flips a score).
  {
    SB_RANGE(prof::Category::corpus, "count");
    int score = 0;
    std::uint32_t prev = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
      const auto& w = words[i].norm;
      const std::uint32_t id = out.term_id(w);
      if (i > 0) out.bigrams.add(std::uint64_t{prev} << 32 | id);
      prev = id;
      if (auto it = lex_.sentiment.find(std::string_view(w)); it != lex_.sentiment.end()) {
        bool negated = false;
        for (std::size_t k = i >= 3 ? i - 3 : 0; k < i; ++k) negated |= is_negation(words[k].norm);
        score += negated ? -it->second : it->second;
      }
    }
    out.sentiment_sum += score;
    ++(score > 0 ? out.positive : score < 0 ? out.negative : out.neutral);
  }

  SB_RANGE(prof::Category::corpus, "entities");
  tag_entities(doc, words, out, mr);
}

void DocumentProcessor::tag_entities(std::string_view doc, const std::pmr::vector<Word>& words, CorpusCounts& out,
                                     std::pmr::memory_resource* mr) {
  auto count = [&](std::string_view type, std::string_view name) {
    std::pmr::string key(type, mr);
    key += '\t';
    key += name;
    ++out.entities;
    if (auto it = out.entity_counts.find(std::string_view(key)); it != out.entity_counts.end())
      ++it->second;
    else
      out.entity_counts.emplace(std::string(key), 1);
  };
  std::pmr::string name(mr);
  for (std::size_t i = 0; i < words.size();) {
    const Word& w = words[i];
    // Gazetteer: the longest known name that starts with a capitalized word.
    if (w.capitalized) {
      std::size_t best = 0;
      const std::string* type = nullptr;
      name.clear();
      for (std::size_t n = 1; n <= static_cast<std::size_t>(lex_.max_name_words) && i + n <= words.size(); ++n) {
        if (n > 1) name += ' ';
        name += words[i + n - 1].norm;
        if (auto it = lex_.gazetteer.find(std::string_view(name)); it != lex_.gazetteer.end())
          best = n, type = &it->second;
        if (!lex_.name_prefixes.contains(std::string_view(name))) break;  // no longer name starts so
      }
      if (best) {
        name.clear();
        for (std::size_t n = 0; n < best; ++n) (n ? name += ' ' : name) += words[i + n].norm;
        count(*type, name);
        i += best;
        continue;
      }
      // Rule: two or more capitalized words in a row, not opening a sentence: a proper name.
      std::size_t run = 1;
      while (i + run < words.size() && words[i + run].capitalized && !words[i + run].sentence_start) ++run;
      if (run >= 2 && !w.sentence_start) {
        name.clear();
        for (std::size_t n = 0; n < run; ++n) (n ? name += ' ' : name) += words[i + n].norm;
        count("PROPER", name);
        i += run;
        continue;
      }
    }
    // Rule: a four-digit number from 1000 to 2099 is a year.
    if (w.orig.size() == 4 && std::all_of(w.orig.begin(), w.orig.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        (w.orig[0] == '1' || (w.orig[0] == '2' && w.orig[1] == '0')))
      count("YEAR", w.orig);
    ++i;
  }
  // Rules on the raw text: URLs and e-mail addresses.
  auto token_end = [&](std::size_t p) {
    while (p < doc.size() && !std::isspace(static_cast<unsigned char>(doc[p])) && doc[p] != '>' && doc[p] != ')' &&
           doc[p] != '"')
      ++p;
    while (p > 0 && (doc[p - 1] == '.' || doc[p - 1] == ',' || doc[p - 1] == ';')) --p;
    return p;
  };
  for (std::size_t p = doc.find("://"); p != std::string_view::npos; p = doc.find("://", p + 3)) {
    std::size_t s = p;
    while (s > 0 && std::isalpha(static_cast<unsigned char>(doc[s - 1]))) --s;
    if (s == p || p + 3 >= doc.size()) continue;
    const std::size_t e = token_end(p + 3);
    if (e > p + 3) count("URL", doc.substr(s, e - s));
  }
  auto email_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '+';
  };
  for (std::size_t p = doc.find('@'); p != std::string_view::npos; p = doc.find('@', p + 1)) {
    std::size_t s = p;
    while (s > 0 && email_char(doc[s - 1])) --s;
    std::size_t e = p + 1;
    while (e < doc.size() && email_char(doc[e])) ++e;
    while (e > p + 1 && doc[e - 1] == '.') --e;
    const std::string_view domain = doc.substr(p + 1, e - p - 1);
    if (s < p && domain.find('.') != std::string_view::npos && domain.front() != '.')
      count("EMAIL", doc.substr(s, e - s));
  }
}

}  // namespace sb::text
