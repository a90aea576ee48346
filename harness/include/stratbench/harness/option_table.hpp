// The measurement and runner options, declared once. A row names the matrix file's field
// ("measure": {"target_rse": ...} or "runner": {...}), the `run` flag, the type, the range
// and the help; from the table come the flags and their --help (with each default read
// from the options structs), the matrix-file reader, the log header's JSON, validation,
// and which flags override a matrix file. Adding an option is one row plus its field.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "stratbench/harness/options.hpp"

namespace sb {

using OptionField = std::variant<double MeasureOptions::*, int MeasureOptions::*, double RunnerOptions::*,
                                 std::uint64_t RunnerOptions::*>;

struct OptionSpec {
  const char* key;         // the JSON field: "target_rse"
  const char* flag;        // "--target-rse"; nullptr: matrix files only
  const char* value_name;  // "X", "N", "SECONDS", "SIZE" (sizes take K/M/G suffixes)
  const char* help;        // what it does; "(default ...)" is appended from the structs
  OptionField field;
  double min, max;  // allowed range, inclusive unless open
  bool min_open;    // the minimum itself is not allowed (a time that must be positive)
  bool max_open = false;
  const char* section() const;  // "measure" or "runner"
};

const std::vector<OptionSpec>& option_table();
const OptionSpec* find_option(const std::string& key);

// Both sections of a matrix spec, as one pair the table's fields point into.
struct OptionValues {
  MeasureOptions measure;
  RunnerOptions runner;
};

// The value of a row in `v`, as text ("0.01", "5", "4G" for sizes in whole GiB/MiB/KiB).
std::string option_text(const OptionSpec& o, const OptionValues& v);
// The row's field as a double (counts and sizes are exact below 2^53, far past any use).
double option_value(const OptionSpec& o, const OptionValues& v);
// Sets the row's field; `x` must be in the field type's range (check_option tells).
void set_option(const OptionSpec& o, double x, OptionValues& v);
// The JSON value of the row's field, and its reading (InputError naming the field at `p`).
nlohmann::json option_to_json(const OptionSpec& o, const OptionValues& v);
// Copies the row's field from `from` to `to`.
void copy_option(const OptionSpec& o, const OptionValues& from, OptionValues& to);
// The range check of one row; InputError "measure.budget_s (--budget) must not be negative",
// after `where` when given.
void check_option(const OptionSpec& o, const OptionValues& v, const std::string& where);

}  // namespace sb
