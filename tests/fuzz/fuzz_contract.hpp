// The contract of every parser of user input, for the fuzz targets: for any bytes it
// returns, or throws sb::InputError whose message names the input (starts with `name`).
// Any other exception (std::exception that is not InputError, a JSON library exception)
// is what the CLI would report as "internal error" (exit 3): the target aborts on it so
// the fuzzer records the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "stratbench/result/errors.hpp"

namespace sb::fuzz {

template <class F>
void must_parse_or_name(const char* name, F&& parse) {
  try {
    parse();
  } catch (const InputError& e) {
    if (std::string(e.what()).rfind(name, 0) != 0) {
      std::fprintf(stderr, "an input error that does not name %s: %s\n", name, e.what());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "not an input error (the CLI would exit 3): %s\n", e.what());
    std::abort();
  }
}

}  // namespace sb::fuzz
