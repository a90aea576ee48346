// Template definitions for flags.hpp.
#pragma once

#include "stratbench/result/errors.hpp"

namespace sb::cli {

template <class Options>
void parse_flags(const std::vector<Flag<Options>>& table, const std::vector<std::string>& args, Options& o,
                 std::vector<std::string>& positional) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a[0] != '-') {
      positional.push_back(a);
      continue;
    }
    std::string name = a, value;
    bool inline_value = false;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    const Flag<Options>* f = nullptr;
    for (const auto& row : table)
      if (row.long_name == name || (!row.short_name.empty() && row.short_name == name)) f = &row;
    if (!f) throw InputError("unknown option '" + name + "' (see --help)");
    if (f->value_name.empty()) {
      if (inline_value) throw InputError("option " + name + " takes no value");
    } else if (!inline_value) {
      if (i + 1 >= args.size()) throw InputError("option " + name + " needs a value (" + f->value_name + ")");
      value = args[++i];
    }
    f->apply(o, value);
  }
}

template <class Options>
std::string flags_help(const std::vector<Flag<Options>>& table) {
  std::string out;
  for (const auto& f : table) {
    std::string left = "  " + (f.short_name.empty() ? "    " : f.short_name + ", ") + f.long_name;
    if (!f.value_name.empty()) left += " " + f.value_name;
    if (left.size() < 30)
      left += std::string(30 - left.size(), ' ');
    else
      left += "\n" + std::string(30, ' ');
    out += left + f.help + "\n";
  }
  return out;
}

}  // namespace sb::cli
