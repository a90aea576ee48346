// JSON reading and writing of the result model (schema v1).
// Readers validate every field they use and throw sb::InputError naming the file and the
// JSON path of the offending field ("results.json: cells[2].metrics.latency_ms.p50: ...").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "stratbench/result/result.hpp"

namespace sb {

nlohmann::json to_json(const Cell& c);
nlohmann::json to_json(const RunHeader& h);
nlohmann::json to_json(const RunFile& r);
nlohmann::json to_json(const Params& p);

// `where` prefixes error messages (a file name, "line 3 of run.log").
Cell cell_from_json(const nlohmann::json& j, const std::string& where);
RunHeader header_from_json(const nlohmann::json& j, const std::string& where);
RunFile run_from_json(const nlohmann::json& j, const std::string& where);
Params params_from_json(const nlohmann::json& j, const std::string& where);

// Parse text as JSON; a syntax error becomes InputError with the byte offset.
nlohmann::json parse_json_text(const std::string& text, const std::string& where);
std::string read_text_file(const std::string& path);  // InputError when missing/unreadable

RunFile read_run_file(const std::string& path);
// Temp file in the same directory, fsync, rename: readers never see half a file.
// Errors are InputErrors naming the path and the errno text (a full disk is exit 2, with why).
void write_text_file_atomic(const std::string& path, const std::string& text);
// Before any work: `path` can be written later (not a directory; its directory exists and
// is writable). Throws InputError naming the path and the reason.
void check_output_path(const std::string& path);
void write_run_file_atomic(const std::string& path, const RunFile& r);

}  // namespace sb
