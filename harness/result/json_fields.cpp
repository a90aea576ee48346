#include "stratbench/result/json_fields.hpp"

#include <cmath>
#include <limits>

#include "stratbench/result/errors.hpp"

namespace sb::jf {

Path Path::operator/(const std::string& key) const { return {where, path.empty() ? key : path + "." + key}; }
Path Path::operator[](std::size_t i) const { return {where, path + "[" + std::to_string(i) + "]"}; }
void Path::fail(const std::string& what) const {
  throw InputError(where + ": " + (path.empty() ? "document" : path) + ": " + what);
}

static const char* type_name(const json& j) { return j.type_name(); }

const json& object(const json& j, const Path& p) {
  if (!j.is_object()) p.fail(std::string("expected an object, found ") + type_name(j));
  return j;
}
const json& array(const json& j, const Path& p) {
  if (!j.is_array()) p.fail(std::string("expected an array, found ") + type_name(j));
  return j;
}
const json* find(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}
const json& need(const json& obj, const char* key, const Path& p) {
  const json* v = find(obj, key);
  if (!v) (p / key).fail("missing required field");
  return *v;
}
std::string str(const json& j, const Path& p) {
  if (!j.is_string()) p.fail(std::string("expected a string, found ") + type_name(j));
  return j.get<std::string>();
}
double num(const json& j, const Path& p) {
  if (!j.is_number()) p.fail(std::string("expected a number, found ") + type_name(j));
  double d = j.get<double>();
  if (!std::isfinite(d)) p.fail("expected a finite number");
  return d;
}
std::uint64_t u64(const json& j, const Path& p) {
  if (j.is_number_unsigned()) return j.get<std::uint64_t>();
  if (j.is_number_integer()) {
    if (j.get<std::int64_t>() < 0) p.fail("expected a non-negative integer");
    return static_cast<std::uint64_t>(j.get<std::int64_t>());
  }
  p.fail(std::string("expected a non-negative integer, found ") + type_name(j));
}
std::int64_t i64(const json& j, const Path& p) {
  if (j.is_number_unsigned()) {
    if (j.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      p.fail("integer out of range");
    return static_cast<std::int64_t>(j.get<std::uint64_t>());
  }
  if (j.is_number_integer()) return j.get<std::int64_t>();
  p.fail(std::string("expected an integer, found ") + type_name(j));
}
std::int64_t int_in(const json& j, const Path& p, std::int64_t lo, std::int64_t hi) {
  if (!j.is_number_integer() && !j.is_number_unsigned())
    p.fail(std::string("expected an integer in ") + std::to_string(lo) + ".." + std::to_string(hi) + ", found " +
           type_name(j));
  const bool too_big = j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(hi);
  if (too_big || j.get<std::int64_t>() < lo || j.get<std::int64_t>() > hi)
    p.fail(j.dump() + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
  return j.get<std::int64_t>();
}
bool boolean(const json& j, const Path& p) {
  if (!j.is_boolean()) p.fail(std::string("expected true or false, found ") + type_name(j));
  return j.get<bool>();
}

}  // namespace sb::jf
