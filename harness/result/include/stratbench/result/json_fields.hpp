// Checked access to JSON fields: every failure names the JSON path of the field.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace sb::jf {

using nlohmann::json;

// A position in a document, used only to build error messages.
struct Path {
  std::string where;  // file or log line
  std::string path;   // "cells[2].metrics"
  Path operator/(const std::string& key) const;
  Path operator[](std::size_t i) const;
  [[noreturn]] void fail(const std::string& what) const;
};

const json& object(const json& j, const Path& p);
const json& array(const json& j, const Path& p);
const json* find(const json& obj, const char* key);  // nullptr when absent or null
const json& need(const json& obj, const char* key, const Path& p);

std::string str(const json& j, const Path& p);
double num(const json& j, const Path& p);
std::uint64_t u64(const json& j, const Path& p);
std::int64_t i64(const json& j, const Path& p);
// An integer in [lo, hi]; anything else (a float, a value that would wrap) names the range.
std::int64_t int_in(const json& j, const Path& p, std::int64_t lo, std::int64_t hi);
bool boolean(const json& j, const Path& p);

}  // namespace sb::jf
