#include "flags.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace sb::cli {

double parse_double(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  const double d = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || errno == ERANGE || !std::isfinite(d))
    throw InputError("option " + flag + ": '" + v + "' is not a number");
  return d;
}

long long parse_int(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || end != v.c_str() + v.size()) throw InputError("option " + flag + ": '" + v + "' is not an integer");
  if (errno == ERANGE) throw InputError("option " + flag + ": '" + v + "' is out of range");
  return n;
}

long long parse_int_in(const std::string& flag, const std::string& v, long long lo, long long hi) {
  const long long n = parse_int(flag, v);
  if (n < lo || n > hi)
    throw InputError("option " + flag + ": " + v + " is out of range " + std::to_string(lo) + ".." +
                     std::to_string(hi));
  return n;
}

unsigned long long parse_size(const std::string& flag, const std::string& v) {
  if (v.empty()) throw InputError("option " + flag + ": empty size");
  unsigned long long mult = 1;
  std::string digits = v;
  switch (v.back()) {
    case 'K':
    case 'k':
      mult = 1ull << 10;
      digits.pop_back();
      break;
    case 'M':
    case 'm':
      mult = 1ull << 20;
      digits.pop_back();
      break;
    case 'G':
    case 'g':
      mult = 1ull << 30;
      digits.pop_back();
      break;
    default: break;
  }
  const long long n = parse_int(flag, digits);
  if (n <= 0 || static_cast<unsigned long long>(n) > (~0ull) / mult)
    throw InputError("option " + flag + ": size '" + v + "' must be positive and below 16 EiB");
  return static_cast<unsigned long long>(n) * mult;
}

}  // namespace sb::cli
