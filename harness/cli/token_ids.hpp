// `stratbench tokenize --decode` input: a JSON array of token ids (what encoding prints).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sb::cli {

// Every element must be an integer in 0..2^32-1; anything else is an InputError naming
// `name` and the element. Whether an id is in the vocabulary is the encoding's to check.
std::vector<std::uint32_t> parse_token_ids(const std::string& text, const std::string& name);

}  // namespace sb::cli
