// The input-error tier (DESIGN.md, style 7): bad flags, matrix files, result files.
// Carries a message that names the file, line or field; the CLI prints it and exits 2.
#pragma once

#include <stdexcept>
#include <string>

namespace sb {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Programmer errors: a check with file and line, kept in release builds because it
// guards results. Throws std::logic_error so a cell process records it as a failure.
[[noreturn]] void check_failed(const char* expr, const char* file, int line);

}  // namespace sb

#define SB_CHECK(cond) ((cond) ? (void)0 : ::sb::check_failed(#cond, __FILE__, __LINE__))
