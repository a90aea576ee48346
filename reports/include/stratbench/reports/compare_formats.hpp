// The output formats of `stratbench compare`: one function per format, registered in one
// name -> function table (as the run writers are). Every string from the results files
// goes through the escaper of the format it lands in (escape.hpp).
#pragma once

#include <string>
#include <vector>

#include "stratbench/reports/compare.hpp"

namespace sb {

inline constexpr const char* kCompareSchemaV1 = "stratbench/compare/v1";

// What a format may show besides the rows: where the runs came from and how they were judged.
struct CompareReport {
  const CompareResult& result;
  const RunFile& base;
  const RunFile& next;
  std::string base_path, new_path;
  CompareOptions options;
};

struct CompareFormat {
  const char* name;
  const char* help;
  std::string (*write)(const CompareReport&);
};

const std::vector<CompareFormat>& compare_formats();
const CompareFormat* find_compare_format(const std::string& name);  // nullptr when unknown
std::string compare_format_names();                                 // "table, md, csv, json, html"

// The verdicts counted: "2 faster, 1 slower, 3 same, 1 inconclusive, 0 not compared".
std::string verdict_counts(const CompareResult& r);

}  // namespace sb
