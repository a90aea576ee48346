// Declare each flag once: a row holds its names, value name, help and how it fills the
// options struct; the same table drives parsing and the --help text.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace sb::cli {

template <class Options>
struct Flag {
  std::string long_name;   // "--workload"
  std::string short_name;  // "-w" or ""
  std::string value_name;  // "LIST"; empty for a switch
  std::string help;
  std::function<void(Options&, const std::string&)> apply;
};

// Parses argv against the table; bare words go to `positional`. Throws InputError for an
// unknown flag or a missing value. "--flag=value" and "--flag value" both work.
template <class Options>
void parse_flags(const std::vector<Flag<Options>>& table, const std::vector<std::string>& args, Options& o,
                 std::vector<std::string>& positional);

template <class Options>
std::string flags_help(const std::vector<Flag<Options>>& table);

// Strict number parsing for flag values; messages name the flag.
double parse_double(const std::string& flag, const std::string& v);
long long parse_int(const std::string& flag, const std::string& v);
// An integer in [lo, hi]; the message names the flag and the range.
long long parse_int_in(const std::string& flag, const std::string& v, long long lo, long long hi);
// "512M", "4G", "1000000" -> bytes.
unsigned long long parse_size(const std::string& flag, const std::string& v);

}  // namespace sb::cli

#include "flags_impl.hpp"
