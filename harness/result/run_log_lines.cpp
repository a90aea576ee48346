#include "stratbench/result/run_log_lines.hpp"

#include <sstream>
#include <unordered_map>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb {

void read_run_log_lines(const std::string& text, const std::string& path,
                        const std::function<void(const nlohmann::json& line, const jf::Path& p)>& header,
                        const std::function<void(const nlohmann::json& cell, const jf::Path& p)>& cell) {
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  bool have_header = false;
  const bool ends_clean = !text.empty() && text.back() == '\n';
  std::size_t consumed = 0;
  while (std::getline(in, line)) {
    ++lineno;
    consumed += line.size() + 1;
    const bool last = consumed >= text.size();
    const std::string where = path + ": line " + std::to_string(lineno);
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = parse_json_text(line, where);
    } catch (const InputError&) {
      if (last && !ends_clean && have_header) break;  // torn final write
      throw;
    }
    const jf::Path p{where, ""};
    jf::object(j, p);
    const std::string type = jf::str(jf::need(j, "type", p), p / "type");
    if (!have_header) {
      if (type != "header") (p / "type").fail("the first line must be the header");
      header(j, p);
      have_header = true;
    } else if (type == "cell") {
      cell(jf::need(j, "cell", p), p);
    } else {
      (p / "type").fail("unknown line type '" + type + "'");
    }
  }
  if (!have_header) throw InputError(path + ": not a stratbench run log (no header line)");
}

RunFile run_file_from_log(const std::string& text, const std::string& path) {
  RunFile run;
  std::unordered_map<std::string, std::size_t> index;
  read_run_log_lines(
      text, path,
      [&](const nlohmann::json& line, const jf::Path& p) {
        run.run = header_from_json(jf::need(line, "run", p), p.where);
      },
      [&](const nlohmann::json& j, const jf::Path& p) {
        Cell c = cell_from_json(j, p.where);
        const auto [it, added] = index.try_emplace(c.id, run.cells.size());
        if (added)
          run.cells.push_back(std::move(c));
        else
          run.cells[it->second] = std::move(c);
      });
  return run;
}

}  // namespace sb
