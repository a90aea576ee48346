// Number formatting shared by the table and the chart, so a value reads the same everywhere.
// Always the C locale: numbers get copied into reports and issues, where a decimal comma
// would be ambiguous.
#pragma once

#include <cstdint>

#include <QString>

namespace sb::gui {

// Four significant digits without an exponent for the range measurements live in
// ("0.4266", "29.88", "452.7", "1234"); an exponent only for extreme values.
QString formatMeasurement(double value);
// Binary megabytes with one decimal: RSS moves in pages, so more digits are noise.
QString formatMebibytes(std::uint64_t bytes);
// A fraction shown as a percentage with two decimals ("0.82%").
QString formatPercent(double fraction);
// "1 cell", "12 cells": English plurals without a translation catalogue, which tr("%n")
// needs to print anything but "cell(s)".
QString formatCount(long long n, const char* singular, const char* plural);
// Shown where a metric is absent: absent is not zero (DESIGN.md, result file).
QString absentMark();

}  // namespace sb::gui
