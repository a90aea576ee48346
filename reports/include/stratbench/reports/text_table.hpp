// A plain text table with aligned columns, for the terminal. Every cell passes through
// terminal_text (escape.hpp): callers give it untrusted strings as they are.
#pragma once

#include <string>
#include <vector>

namespace sb {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header, std::vector<bool> right_aligned = {});
  void add_row(std::vector<std::string> row);
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// Number formatting shared by tables and writers: 4 significant digits, "—" for absent.
std::string fmt_num(double v, int significant = 4);
std::string fmt_mib(double bytes);
// A fixed number of decimals ("%.*f"): figures read in columns of a log (losses, perplexities).
std::string fmt_fixed(double v, int decimals);

}  // namespace sb
