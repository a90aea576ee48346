// The same hostile strings (hostile_fixture.hpp) through every writer and printer: for each
// output, none of the live forms may survive. The exact escapes are in escape_test.cpp;
// here each output is checked the way its reader would take it.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hostile_fixture.hpp"
#include "stratbench/reports/compare.hpp"
#include "stratbench/reports/compare_formats.hpp"
#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/gate.hpp"
#include "stratbench/reports/history_detect.hpp"
#include "stratbench/reports/history_store.hpp"
#include "stratbench/reports/html_report.hpp"
#include "stratbench/reports/writer.hpp"

namespace sb {
namespace {

constexpr auto npos = std::string::npos;

std::string render(const std::string& format, const RunFile& run) {
  std::ostringstream os;
  auto w = make_writer(format, os);
  EXPECT_NE(w, nullptr) << format;
  write_report(*w, run);
  return os.str();
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The offset of the first byte a terminal would obey or choke on: a C0 control not in
// `allowed`, DEL, a C1 control (U+0080..U+009F), or a byte that is not UTF-8. npos if none.
std::size_t first_unsafe_byte(const std::string& s, std::string_view allowed = "\n") {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && allowed.find(static_cast<char>(c)) == npos) || c == 0x7F) return i;
      ++i;
      continue;
    }
    const std::size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) return i;
    i += len;
  }
  return npos;
}

void expect_terminal_safe(const std::string& out, const std::string& what) {
  const auto at = first_unsafe_byte(out);
  EXPECT_EQ(at, npos) << what << ": raw control or invalid byte at offset " << at << ":\n" << terminal_text(out);
  EXPECT_NE(out.find("\\x1b[31mred\\x1b[0m\\x07"), npos) << what << ": ESC and BEL are shown as escapes";
}

// Markdown syntax characters without a backslash before them.
std::string unescaped_syntax(std::string_view line) {
  std::string found;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\')
      ++i;  // the next character is escaped
    else if (std::string_view("[]*_`~$<>").find(line[i]) != npos)
      found += line[i];
  }
  return found;
}

std::size_t unescaped_pipes(std::string_view line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\')
      ++i;
    else
      n += line[i] == '|';
  }
  return n;
}

// `trusted`: our own markup in the output, taken out before the checks.
void expect_markdown_inert(std::string md, const std::vector<std::string>& trusted, const std::string& what) {
  EXPECT_EQ(first_unsafe_byte(md), npos) << what;  // `gate` prints its Markdown to the terminal too
  for (const auto& t : trusted)
    for (auto p = md.find(t); p != npos; p = md.find(t)) md.erase(p, t.size());
  for (const auto& line : lines_of(md)) {
    EXPECT_EQ(unescaped_syntax(line), "") << what << ": live syntax in: " << line;
    for (const char* live : {"://", "www.", "@octocat", "#1", "<script", "<https", "<img"})
      EXPECT_EQ(line.find(live), npos) << what << ": '" << live << "' in: " << line;
    for (auto p = line.find('@'); p != npos; p = line.find('@', p + 1))
      EXPECT_EQ(line.compare(p + 1, 7, "&#8203;"), 0) << what << ": a live mention in: " << line;
  }
}

void expect_table_rows(const std::string& md, std::size_t columns, std::size_t rows, const std::string& what) {
  std::size_t n = 0;
  for (const auto& line : lines_of(md)) {
    if (line.rfind("| ", 0) != 0) continue;
    ++n;
    EXPECT_EQ(unescaped_pipes(line), columns + 1) << what << ": a cell broke the table: " << line;
  }
  EXPECT_EQ(n, rows + 1) << what << ": the header and one line per row";
}

TEST(HostileStrings, TableWriter) {
  const RunFile run = test::hostile_run();
  const std::string out = render("table", run);
  expect_terminal_safe(out, "table");
  EXPECT_EQ(lines_of(out).size(), run.cells.size() + 2) << "a newline in a cell broke a row:\n" << out;
}

TEST(HostileStrings, MarkdownWriter) {
  const RunFile run = test::hostile_run();
  const std::string md = render("md", run);
  const std::string command = "- command: " + markdown_code_span(run.run.command) + "\n";
  ASSERT_NE(md.find(command), npos) << md;  // the command line is a code span: nothing is live inside
  std::string rest = md;
  rest.erase(rest.find(command), command.size());
  expect_markdown_inert(rest, {}, "md");
  expect_table_rows(md, 12, run.cells.size(), "md");
}

// A CSV parser as a spreadsheet reads it (RFC 4180, CRLF between records).
std::vector<std::vector<std::string>> parse_csv(const std::string& s) {
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c != '"')
        field += c;
      else if (i + 1 < s.size() && s[i + 1] == '"')
        field += s[++i];
      else
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',' || (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) {
      records.back().push_back(field);
      field.clear();
      if (c == '\r') {
        ++i;
        records.emplace_back();
      }
    } else {
      field += c;
    }
  }
  records.pop_back();  // after the last CRLF
  return records;
}

TEST(HostileStrings, CsvWriter) {
  const RunFile run = test::hostile_run();
  const std::string csv = render("csv", run);
  EXPECT_EQ(first_unsafe_byte(csv, "\r\n\t"), npos) << "csv";
  const auto records = parse_csv(csv);
  ASSERT_EQ(records.size(), run.cells.size() + 1);
  for (std::size_t i = 1; i < records.size(); ++i) {
    ASSERT_EQ(records[i].size(), records[0].size()) << "record " << i;
    for (std::size_t col : {0u, 1u, 2u, 3u, 4u, 16u, 23u}) {  // the strings: id .. device, throughput_unit, reason
      const std::string& f = records[i][col];
      EXPECT_TRUE(f.empty() || std::string_view("=+-@\t\r").find(f[0]) == npos)
          << records[0][col] << " of record " << i << " starts a formula: " << f;
    }
  }
  EXPECT_EQ(records[1][1], "[click](https://x)");               // text that is only text stays as it is
  EXPECT_EQ(records[9][1], "'=HYPERLINK(\"http://x\",\"y\")");  // cell 8's workload
  EXPECT_EQ(records[11][1], "'-2");                             // a string that looks like a number
  EXPECT_EQ(records[2][15], "-1.5");                            // a number we wrote stays a number
}

TEST(HostileStrings, HtmlWriter) {
  const std::string html = render("html", test::hostile_run());
  EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'\""), npos);
  for (const char* live : {"<script", "<img", "<https", "href=", "src=", "<a "})
    EXPECT_EQ(html.find(live), npos) << live;
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), npos);
}

TEST(HostileStrings, JsonWritersKeepTheData) {
  const RunFile run = test::hostile_run();
  for (const char* format : {"json", "gbench"}) {
    const std::string out = render(format, run);
    for (unsigned char c : out) EXPECT_FALSE(c < 0x20 && c != '\n') << format << ": a raw control character";
    EXPECT_TRUE(nlohmann::json::accept(out)) << format;
  }
  const auto j = nlohmann::json::parse(render("json", run));
  EXPECT_EQ(j["cells"][5]["workload"], test::hostile_strings()[5]);  // ESC and BEL as \u001b, \u0007
  EXPECT_EQ(j["cells"][7]["workload"], "\xef\xbf\xbd");              // not UTF-8: U+FFFD, not an exception
}

// Base and new differ in host, timing (new is 3x slower), a lost cell and a failed one, so
// every kind of gate line carries the hostile strings.
GateResult hostile_gate() {
  const RunFile base = test::hostile_run();
  RunFile next = base;
  next.run.host.cpu = "other " + test::all_hostile_strings();
  for (auto& c : next.cells)
    for (auto& s : c.samples["time_s"]) s *= 3;
  next.cells.front().status = CellStatus::failed;
  next.cells.front().reason = test::all_hostile_strings();
  next.cells.pop_back();
  return gate_runs(base, next, GatePolicy{});
}

TEST(HostileStrings, GateMarkdown) {
  const GateResult r = hostile_gate();
  ASSERT_TRUE(r.regression());
  ASSERT_FALSE(r.mismatches.empty());
  const std::string md = gate_markdown(r);
  expect_markdown_inert(md, {"<details><summary>All checks</summary>", "</details>", "**Runs differ**"}, "gate md");
  std::size_t checks = 0, failed = 0;
  for (const auto& c : r.cells)
    for (const auto& ch : c.checks) {
      ++checks;
      failed += ch.failed;
    }
  expect_table_rows(md.substr(0, md.find("<details>")), 3, failed, "gate md, failures");
  expect_table_rows(md.substr(md.find("<details>")), 4, checks, "gate md, all checks");
}

TEST(HostileStrings, GateJunit) {
  const std::string xml = gate_junit(hostile_gate());
  EXPECT_EQ(xml.find('\x1b'), npos);
  EXPECT_EQ(xml.find('\x07'), npos);
  for (auto p = xml.find('<'); p != npos; p = xml.find('<', p + 1)) {
    const std::string_view tag = std::string_view(xml).substr(p + 1);
    bool ours = false;
    for (const char* t : {"?xml ", "testsuites ", "/testsuites>", "testsuite ", "/testsuite>", "testcase ",
                          "/testcase>", "failure ", "skipped ", "system-out>", "/system-out>"})
      ours = ours || tag.rfind(t, 0) == 0;
    EXPECT_TRUE(ours) << "a tag from the file: " << terminal_text(tag.substr(0, 40));
  }
}

TEST(HostileStrings, CompareTable) {
  const RunFile base = test::hostile_run();
  RunFile next = base;
  for (auto& c : next.cells)
    for (auto& s : c.samples["time_s"]) s *= 2;
  const CompareResult r = compare_runs(base, next);
  const std::string out = format_compare_table(r);
  expect_terminal_safe(out, "compare");
  EXPECT_EQ(lines_of(out).size(), r.rows.size() + 2) << out;
}

TEST(HostileStrings, HistoryDetectReport) {
  const auto& h = test::hostile_strings();
  DetectReport r;
  r.metric = "latency_ms.p50";
  r.series = 1;
  DetectedChange c;
  c.series = {h[0] + h[5], h[6] + h[7], h[4] + h[5], h[12], h[13], h[2] + h[5]};
  c.points = 12;
  c.index = 6;
  c.run_id = h[5];
  c.commit = h[4] + h[6];
  c.started = h[7];
  c.median_before = 1;
  c.median_after = 2;
  c.relative_change = 1;
  r.changes.push_back(c);
  const std::string out = format_detect_report(r, DetectOptions{});
  expect_terminal_safe(out, "history detect");
  EXPECT_EQ(lines_of(out).size(), 6u) << out;  // summary, blank, series, table header, dashes, one row
}

TEST(HostileStrings, HtmlHistorySection) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("sb-hostile-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::string html;
  {
    auto store = open_history_store((dir / "history.db").string(), HistoryOpen::create);
    store->add(test::hostile_run(true), test::all_hostile_strings(true));
    html = html_history_section(*store, DetectOptions{});
  }
  fs::remove_all(dir);
  ASSERT_NE(html.find("<section>"), npos);
  for (const char* live : {"<script", "<img", "<https", "href=", "src=", "<a "})
    EXPECT_EQ(html.find(live), npos) << live;
}

}  // namespace
}  // namespace sb

namespace sb {
namespace {

// Every format of `compare`, on two runs made of hostile strings.
TEST(HostileStrings, CompareFormats) {
  const RunFile base = test::hostile_run();
  RunFile next = base;
  for (auto& c : next.cells)
    for (auto& s : c.samples["time_s"]) s *= 2;
  const CompareResult r = compare_runs(base, next);
  const CompareReport report{r, base, next, "base.json", "new.json", CompareOptions{}};
  const auto out = [&](const char* f) { return find_compare_format(f)->write(report); };

  const std::string md = out("md");
  const std::vector<std::string> ours = {
      "- base: " + markdown_code_span("base.json") + " (run " + markdown_code_span(base.run.id) + ")",
      "- new: " + markdown_code_span("new.json") + " (run " + markdown_code_span(next.run.id) + ")"};
  expect_markdown_inert(md, ours, "compare md");
  expect_table_rows(md, 12, r.rows.size(), "compare md");

  const std::string csv = out("csv");
  EXPECT_EQ(first_unsafe_byte(csv, "\r\n\t"), npos) << "compare csv";
  const auto records = parse_csv(csv);
  ASSERT_EQ(records.size(), r.rows.size() + 1);
  for (std::size_t i = 1; i < records.size(); ++i) {
    ASSERT_EQ(records[i].size(), records[0].size()) << "record " << i;
    for (std::size_t col : {1u, 2u, 3u, 4u})
      EXPECT_TRUE(records[i][col].empty() || std::string_view("=+-@\t\r").find(records[i][col][0]) == npos)
          << records[i][col];
  }

  const std::string html = out("html");
  EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'\""), npos);
  for (const char* live : {"<script", "<img", "<https", "href=", "src=", "<a "})
    EXPECT_EQ(html.find(live), npos) << live;

  const std::string json = out("json");
  for (unsigned char c : json) EXPECT_FALSE(c < 0x20 && c != '\n') << "compare json: a raw control character";
  const auto j = nlohmann::json::parse(json);
  ASSERT_EQ(j["cells"].size(), r.rows.size());
  EXPECT_EQ(j["cells"][5]["workload"], test::hostile_strings()[5]);
}

}  // namespace
}  // namespace sb
