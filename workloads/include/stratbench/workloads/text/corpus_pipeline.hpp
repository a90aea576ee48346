// The corpus pipeline: documents (paragraphs: text between blank lines) go through
// normalize (Unicode lowercase), word split, BPE tokenization (gpt2), term and bigram
// counts, entity tagging (gazetteer + rules) and lexicon sentiment.
//
// One DocumentProcessor per worker accumulates its own counts; CorpusCounts::merge folds
// workers together. The memory knob picks where per-document scratch lives: `malloc`
// (containers on the heap, freed per document) or `pool` (one arena, released per document).
#pragma once

#include <cstdint>
#include <memory_resource>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stratbench/workloads/text/bpe_encoder.hpp"
#include "stratbench/workloads/text/lexicons.hpp"

namespace sb::text {

// Counts of pairs of term ids: a flat open-addressing table (one cache line per probe),
// because a node per bigram made the bigram count the pipeline's bottleneck.
class PairCounts {
 public:
  void add(std::uint64_t key, std::uint64_t n = 1);
  std::size_t size() const { return size_; }
  template <class Fn>
  void for_each(Fn fn) const {
    for (const auto& s : slots_)
      if (s.count) fn(s.key, s.count);
  }
  void clear() { slots_.clear(), size_ = 0; }

 private:
  struct Slot {
    std::uint64_t key = 0, count = 0;  // count 0: empty
  };
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

// Everything the pipeline counts. Identical for every strategy over the same input.
// Cache-line aligned: each thread fills its own, side by side in a vector, per document.
struct alignas(64) CorpusCounts {
  std::uint64_t documents = 0, words = 0, tokens = 0;
  std::uint64_t positive = 0, negative = 0, neutral = 0;  // documents by sentiment sign
  std::int64_t sentiment_sum = 0;
  std::uint64_t entities = 0;
  struct Term {
    std::uint32_t id;
    std::uint64_t count;
  };
  // Lowercased word -> its id here and its count; names[id] is the word.
  std::unordered_map<std::string, Term, ByteHash, std::equal_to<>> terms;
  std::vector<const std::string*> names;
  // Bigram of consecutive words in a document: (first id << 32 | second id) -> count.
  PairCounts bigrams;
  // "TYPE<TAB>lowercased name" -> count.
  std::unordered_map<std::string, std::uint64_t, ByteHash, std::equal_to<>> entity_counts;

  std::uint32_t term_id(std::string_view word);  // counts one occurrence
  void merge(const CorpusCounts& o);
  void clear();
  // An order-independent digest of every count, by words (not ids): equal digests mean
  // equal results, whichever worker saw a word first.
  std::uint64_t digest() const;
  // The same counts (term ids may differ between runs; the words and numbers may not).
  bool same_as(const CorpusCounts& o) const;
};

class DocumentProcessor {
 public:
  DocumentProcessor(const Encoding& enc, const Lexicons& lex, bool pool);
  // Processes every document of text (documents are separated by "\n\n+").
  void process_text(std::string_view text, CorpusCounts& out);
  void process_document(std::string_view doc, CorpusCounts& out);

 private:
  struct Word {
    std::string_view orig;
    std::pmr::string norm;
    bool capitalized;
    bool sentence_start;
  };
  void tag_entities(std::string_view doc, const std::pmr::vector<Word>& words, CorpusCounts& out,
                    std::pmr::memory_resource* mr);

  const Lexicons& lex_;
  Encoder encoder_;
  std::vector<std::uint32_t> ids_;
  bool pool_;
  std::vector<std::byte> arena_buf_;
};

// The byte offset just past the first document separator ("\n\n") at or after `from`, or
// `size` when there is none: where a chunk of text can be cut between documents.
std::size_t next_document_boundary(std::string_view text, std::size_t from);

}  // namespace sb::text
