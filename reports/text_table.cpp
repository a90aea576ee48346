#include "stratbench/reports/text_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "stratbench/reports/escape.hpp"

namespace sb {

// Display width of UTF-8 text: count code points, not bytes, so "—" and "×" align.
static std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++w;
  return w;
}

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> right_aligned)
    : header_(std::move(header)), right_(std::move(right_aligned)) {
  right_.resize(header_.size(), false);
  for (auto& h : header_) h = terminal_text(h);
}

// Cells often come from a results file or a model file: no control character reaches the
// terminal, and a newline cannot break the row (escape.hpp, terminal_text).
void TextTable::add_row(std::vector<std::string> row) {
  row.resize(header_.size());
  for (auto& cell : row) cell = terminal_text(cell);
  rows_.push_back(std::move(row));
}

std::string TextTable::render() const {
  std::vector<std::size_t> w(header_.size());
  for (std::size_t i = 0; i < header_.size(); ++i) w[i] = width(header_[i]);
  for (const auto& r : rows_)
    for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], width(r[i]));
  auto line = [&](const std::vector<std::string>& r) {
    std::string out;
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::string pad(w[i] - width(r[i]), ' ');
      if (i) out += "  ";
      out += right_[i] ? pad + r[i] : r[i] + (i + 1 < r.size() ? pad : "");
    }
    return out + "\n";
  };
  std::string out = line(header_);
  std::size_t total = 0;
  for (auto x : w) total += x;
  out += std::string(total + 2 * (w.size() - 1), '-') + "\n";
  for (const auto& r : rows_) out += line(r);
  return out;
}

std::string fmt_num(double v, int significant) {
  if (!std::isfinite(v)) return "—";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", significant, v);
  return buf;
}

std::string fmt_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string fmt_mib(double bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", bytes / (1024.0 * 1024.0));
  return buf;
}

}  // namespace sb
