#include "stratbench/result/result.hpp"

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "stratbench/result/errors.hpp"

namespace sb {

void check_failed(const char* expr, const char* file, int line) {
  std::ostringstream os;
  os << "check failed: " << expr << " at " << file << ":" << line;
  throw std::logic_error(os.str());
}

std::string to_string(const ParamValue& v) {
  if (auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) {
    std::ostringstream os;
    os << *d;
    return os.str();
  }
  return std::get<std::string>(v);
}

std::string params_to_string(const Params& p) {
  std::string out;
  for (const auto& [k, v] : p) {
    if (!out.empty()) out += ',';
    out += k + '=' + to_string(v);
  }
  return out;
}

std::string stable_hash_hex(const std::string& key) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

const char* to_string(CellStatus s) {
  switch (s) {
    case CellStatus::ok: return "ok";
    case CellStatus::failed: return "failed";
    case CellStatus::skipped: return "skipped";
    case CellStatus::timeout: return "timeout";
  }
  return "?";
}

std::optional<CellStatus> parse_cell_status(const std::string& s) {
  for (auto st : {CellStatus::ok, CellStatus::failed, CellStatus::skipped, CellStatus::timeout})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

}  // namespace sb
