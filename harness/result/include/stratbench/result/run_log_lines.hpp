// The run log's lines (DESIGN.md, run log): JSONL, a "header" line first, then one "cell"
// line per finished cell. The one reader of that structure, for the runner's --resume
// (which also reads the header's matrix) and for whoever follows a run in progress (the
// GUI), which reads the run and its cells.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

// Calls `header` with the first line's object, then `cell` with each cell line's "cell"
// object, each with a jf::Path naming "PATH: line N". A torn last line (a runner killed, or
// still writing) is dropped; any other bad line, a first line that is not the header, or
// no header at all is an InputError naming the line.
void read_run_log_lines(const std::string& text, const std::string& path,
                        const std::function<void(const nlohmann::json& line, const jf::Path& p)>& header,
                        const std::function<void(const nlohmann::json& cell, const jf::Path& p)>& cell);

// A run in progress as a RunFile: the header's run and the cells logged so far, a later
// line for an id replacing the earlier (as --resume does).
RunFile run_file_from_log(const std::string& text, const std::string& path);

}  // namespace sb
