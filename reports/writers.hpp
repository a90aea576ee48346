// Factories of the built-in writers (private to reports/; the table is in writer.cpp).
#pragma once

#include "stratbench/reports/writer.hpp"

namespace sb {
std::unique_ptr<Writer> make_table_writer(std::ostream& out);
std::unique_ptr<Writer> make_markdown_writer(std::ostream& out);
std::unique_ptr<Writer> make_csv_writer(std::ostream& out);
std::unique_ptr<Writer> make_json_writer(std::ostream& out);
std::unique_ptr<Writer> make_gbench_writer(std::ostream& out);
std::unique_ptr<Writer> make_html_writer(std::ostream& out);
}  // namespace sb
