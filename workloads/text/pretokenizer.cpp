#include "stratbench/workloads/text/pretokenizer.hpp"

namespace sb::text {

static bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::size_t find_safe_split(const char* text, std::size_t size, std::size_t from, std::size_t limit) {
  if (limit > size) limit = size;
  for (std::size_t i = from < 1 ? 1 : from; i + 1 < limit; ++i)
    if (text[i] == ' ' && ascii_letter(text[i - 1]) && ascii_letter(text[i + 1])) return i;
  return limit;
}

}  // namespace sb::text
