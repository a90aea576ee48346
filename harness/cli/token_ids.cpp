#include "token_ids.hpp"

#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::cli {

std::vector<std::uint32_t> parse_token_ids(const std::string& text, const std::string& name) {
  const nlohmann::json j = parse_json_text(text, name);
  if (!j.is_array()) throw InputError(name + ": expected a JSON array of token ids");
  std::vector<std::uint32_t> ids;
  ids.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& v = j[i];
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 0xFFFFFFFFll)
      throw InputError(name + ": element " + std::to_string(i) + " (" + v.dump() + ") is not a token id");
    ids.push_back(static_cast<std::uint32_t>(v.get<std::int64_t>()));
  }
  return ids;
}

}  // namespace sb::cli
