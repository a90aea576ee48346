// The corpus pipeline's word lists: a sentiment lexicon (AFINN-165: word, score in -5..5)
// and a gazetteer of places, countries, languages and currencies (name, type), both built
// by scripts/setup.sh into datasets/ from packages (see datasets/README.md).
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "stratbench/workloads/text/byte_hash.hpp"

namespace sb::text {

struct Lexicons {
  // Lowercased word -> score.
  std::unordered_map<std::string, int, ByteHash, std::equal_to<>> sentiment;
  // Lowercased name, words joined by one space -> entity type ("COUNTRY", "CITY", ...).
  std::unordered_map<std::string, std::string, ByteHash, std::equal_to<>> gazetteer;
  // Every proper word-prefix of a name ("new", "new south" for "new south wales"), so a
  // lookup can stop as soon as no longer name can match.
  std::unordered_set<std::string, ByteHash, std::equal_to<>> name_prefixes;
  int max_name_words = 1;

  // Loads <datasets>/lexicon/afinn.tsv and <datasets>/gazetteer/places.tsv once; throws
  // InputError naming the file and line of the first malformed line.
  static const Lexicons& get();
  static Lexicons load(const std::string& sentiment_tsv, const std::string& gazetteer_tsv);
};

// Lowercases UTF-8 text with Unicode's simple case mappings (invalid bytes are kept).
template <class String>
void lowercase_into(std::string_view in, String& out);

}  // namespace sb::text
