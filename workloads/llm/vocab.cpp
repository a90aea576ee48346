#include "stratbench/workloads/llm/vocab.hpp"

#include <cmath>
#include <fstream>
#include <istream>
#include <limits>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "stratbench/result/errors.hpp"

#ifndef STRATBENCH_DATASETS_DIR
#define STRATBENCH_DATASETS_DIR "datasets"
#endif

namespace sb::llm {

std::string default_vocab_path() { return std::string(STRATBENCH_DATASETS_DIR) + "/vocab/llama-32000.jsonl"; }

Vocab load_vocab_jsonl(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open file");
  return load_vocab_jsonl(in, path);
}

Vocab load_vocab_jsonl(std::istream& in, const std::string& path) {
  Vocab v;
  std::unordered_map<std::string, std::size_t> line_of_piece;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError(where + "invalid JSON at byte " + std::to_string(e.byte));
    } catch (const nlohmann::json::out_of_range&) {
      // 1e400: the parser accepts the syntax, then cannot hold the number (found by vocab_fuzz).
      throw InputError(where + "invalid JSON: a number out of range");
    }
    if (!j.is_object()) throw InputError(where + "expected a JSON object");
    auto field = [&](const char* name) -> const nlohmann::json& {
      auto it = j.find(name);
      if (it == j.end()) throw InputError(where + "missing \"" + name + "\"");
      return *it;
    };
    const auto& id = field("id");
    if (!id.is_number_integer()) throw InputError(where + "\"id\" must be an integer");
    if (id.get<std::int64_t>() != static_cast<std::int64_t>(v.size()))
      throw InputError(where + "id " + id.dump() + ", expected " + std::to_string(v.size()) +
                       " (ids run 0..N-1, one a line, in order)");
    const auto& piece = field("piece");
    if (!piece.is_string() || piece.get_ref<const std::string&>().empty())
      throw InputError(where + "\"piece\" must be a non-empty string");
    const auto& score = field("score");
    // Stored as float: 1e300 is finite as a double and infinite once narrowed.
    if (!score.is_number() || !std::isfinite(score.get<double>()) ||
        std::abs(score.get<double>()) > std::numeric_limits<float>::max())
      throw InputError(where + "\"score\" must be a finite number within float range");
    const auto& type = field("type");
    if (!type.is_number_integer() || type.get<std::int64_t>() < 1 || type.get<std::int64_t>() > 6)
      throw InputError(where +
                       "\"type\" must be an integer in 1..6 (normal, unknown, control, user defined, unused, byte)");
    const std::string& p = piece.get_ref<const std::string&>();
    if (auto [it, fresh] = line_of_piece.emplace(p, line_no); !fresh)
      throw InputError(where + "piece " + piece.dump() + " repeats line " + std::to_string(it->second));
    v.pieces.push_back(p);
    v.scores.push_back(score.get<float>());
    v.types.push_back(static_cast<std::int32_t>(type.get<std::int64_t>()));
  }
  if (in.bad()) throw InputError(path + ": read error");
  if (v.size() == 0) throw InputError(path + ": no tokens");
  return v;
}

}  // namespace sb::llm
