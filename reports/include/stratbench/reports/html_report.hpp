// The HTML report as one function, for callers that add sections to it (the `html`
// writer calls it with none). Every string that reaches the page is escaped.
#pragma once

#include <string>

#include "stratbench/reports/history_detect.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

// A complete, self-contained page; `extra_sections` is trusted HTML placed after the charts.
std::string render_html_report(const RunFile& run, const std::string& extra_sections = "");
// One section per series of the history store: the metric over runs as an SVG line, with
// a marker at each detected change point naming its first commit.
std::string html_history_section(HistoryStore& store, const DetectOptions& o);

}  // namespace sb
