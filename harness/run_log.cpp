#include "stratbench/harness/run_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb {

using nlohmann::json;

RunLogContents read_run_log(const std::string& path) {
  const std::string text = read_text_file(path);
  RunLogContents out;
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
    json j;
    try {
      j = json::parse(line);
    } catch (const json::parse_error&) {
      if (last && !ends_clean && have_header) break;  // torn final write of a killed runner
      throw InputError(where + ": invalid JSON");
    }
    jf::Path p{where, ""};
    jf::object(j, p);
    const std::string type = jf::str(jf::need(j, "type", p), p / "type");
    if (!have_header) {
      if (type != "header") (p / "type").fail("the first line must be the header");
      out.header = header_from_json(jf::need(j, "run", p), where);
      out.spec = matrix_from_json(jf::need(j, "matrix", p), where);
      out.results_path = jf::str(jf::need(j, "results", p), p / "results");
      have_header = true;
    } else if (type == "cell") {
      out.cells.push_back(cell_from_json(jf::need(j, "cell", p), where));
    } else {
      (p / "type").fail("unknown line type '" + type + "'");
    }
  }
  if (!have_header) throw InputError(path + ": not a stratbench run log (no header line)");
  return out;
}

RunLogWriter::RunLogWriter(const std::string& path, const RunHeader& h, const MatrixSpec& spec,
                           const std::string& results_path)
    : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw InputError(path + ": cannot create the run log");
  write_line(json{{"type", "header"}, {"run", to_json(h)}, {"matrix", to_json(spec)}, {"results", results_path}}.dump());
}

RunLogWriter::RunLogWriter(const std::string& path) : path_(path) {
  // Drop a torn last line so the next append starts on a line of its own.
  const std::string text = read_text_file(path);
  std::size_t keep = text.size();
  if (!text.empty() && text.back() != '\n') {
    const auto nl = text.rfind('\n');
    keep = nl == std::string::npos ? 0 : nl + 1;
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) throw InputError(path + ": cannot open the run log for appending");
  if (::ftruncate(fd_, static_cast<off_t>(keep)) != 0 || ::lseek(fd_, 0, SEEK_END) < 0)
    throw std::runtime_error(path + ": cannot truncate the torn last line");
}

RunLogWriter::~RunLogWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void RunLogWriter::append(const Cell& c) { write_line(json{{"type", "cell"}, {"cell", to_json(c)}}.dump()); }

void RunLogWriter::write_line(const std::string& line) {
  const std::string s = line + "\n";
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t w = ::write(fd_, s.data() + off, s.size() - off);
    if (w < 0) throw std::runtime_error(path_ + ": write failed");
    off += static_cast<std::size_t>(w);
  }
  ::fsync(fd_);
}

}  // namespace sb
