// Joining items into text: the one join of the project, for lists in messages, help and
// canonical forms ("layout=blocked,simd=auto").
#pragma once

#include <string>
#include <string_view>

namespace sb {

// Each item passes through `text` (anything appendable to a std::string), separated by `sep`.
template <class Range, class Text>
std::string join(const Range& items, std::string_view sep, Text text) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += sep;
    out += text(item);
    first = false;
  }
  return out;
}

// Items that are text already (std::string, const char*, std::string_view).
template <class Range>
std::string join(const Range& items, std::string_view sep) {
  return join(items, sep, [](const auto& s) -> decltype(auto) { return s; });
}

}  // namespace sb
