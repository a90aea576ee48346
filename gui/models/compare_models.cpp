#include "stratbench/gui/compare_models.hpp"

#include <cmath>
#include <set>
#include <unordered_map>

#include <QColor>

#include "stratbench/gui/number_format.hpp"
#include "stratbench/gui/qt_text.hpp"

namespace sb::gui {
namespace {

QVariant number(const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); }
QString numberText(const std::optional<double>& v) { return v ? formatMeasurement(*v) : absentMark(); }

QString tooltipOf(const sb::CellComparison& c) {
  QString tip = QStringLiteral("%1 \u00b7 %2 \u00b7 %3 (%4)\n")
                    .arg(qstr(c.workload), qstr(c.strategy), qstr(c.params), qstr(c.device));
  tip += QStringLiteral("median %1 \u2192 %2 ms, %3 and %4 samples\n")
             .arg(numberText(c.base_median_ms), numberText(c.new_median_ms))
             .arg(c.n_base)
             .arg(c.n_new);
  if (c.ratio)
    tip += QStringLiteral("ratio %1 [%2, %3], q %4\n")
               .arg(numberText(c.ratio), numberText(c.ratio_lo), numberText(c.ratio_hi), numberText(c.q_bh));
  tip += verdictText(c);
  if (!c.note.empty()) tip += QStringLiteral("\n") + qstr(c.note);
  return plainToolTip(tip);
}

}  // namespace

QString verdictText(const sb::CellComparison& c) {
  QString verdict = QString::fromLatin1(sb::to_string(c.verdict));
  if (!c.ratio) return verdict;
  return QStringLiteral("%1\u00d7 %2").arg(QString::number(*c.ratio, 'f', 2), verdict);
}

QColor compareColor(const sb::CellComparison& c) {
  if (!c.ratio) return QColor(0xee, 0xee, 0xee);
  // Log scale so 0.8x and 1.25x are equally strong; saturated at ±25%.
  const double t = std::clamp(std::log(*c.ratio) / std::log(1.25), -1.0, 1.0);
  const bool decided = c.verdict == sb::Verdict::faster || c.verdict == sb::Verdict::slower;
  const double strength = decided ? 0.25 + 0.65 * std::abs(t) : 0.12 * std::abs(t);
  const QColor end = t < 0 ? QColor(0x21, 0x66, 0xac) : QColor(0xb2, 0x18, 0x2b);
  auto mix = [&](int e) { return static_cast<int>(std::lround(255 + (e - 255) * strength)); };
  return QColor(mix(end.red()), mix(end.green()), mix(end.blue()));
}

CompareListModel::CompareListModel(QObject* parent) : QAbstractTableModel(parent) {}

void CompareListModel::setResult(sb::CompareResult result) {
  beginResetModel();
  result_ = std::move(result);
  endResetModel();
}

int CompareListModel::rowOf(const QString& id) const {
  const std::string key = id.toStdString();
  for (std::size_t i = 0; i < result_.rows.size(); ++i)
    if (result_.rows[i].id == key) return static_cast<int>(i);
  return -1;
}

int CompareListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(result_.rows.size());
}
int CompareListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant CompareListModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const sb::CellComparison& c = result_.rows[static_cast<std::size_t>(index.row())];
  const int col = index.column();
  if (role == CellIdRole) return qstr(c.id);
  if (role == Qt::ToolTipRole) return tooltipOf(c);
  if (role == Qt::TextAlignmentRole)
    return col >= BaseColumn && col <= QColumn ? int(Qt::AlignRight | Qt::AlignVCenter)
                                               : int(Qt::AlignLeft | Qt::AlignVCenter);
  if (role == Qt::BackgroundRole && col == RatioColumn) return compareColor(c);
  if (role == CompareSortRole) {
    switch (col) {
      case BaseColumn: return number(c.base_median_ms);
      case NewColumn: return number(c.new_median_ms);
      case RatioColumn: return number(c.ratio);
      case IntervalColumn: return c.ratio_hi && c.ratio_lo ? QVariant(*c.ratio_hi - *c.ratio_lo) : QVariant();
      case QColumn: return number(c.q_bh);
      case VerdictColumn: return static_cast<int>(c.verdict);
      default: break;
    }
  }
  if (role != Qt::DisplayRole && role != CompareSortRole) return {};
  switch (col) {
    case WorkloadColumn: return qstr(c.workload);
    case StrategyColumn: return qstr(c.strategy);
    case ParamsColumn: return qstr(c.params);
    case DeviceColumn: return qstr(c.device);
    case BaseColumn: return numberText(c.base_median_ms);
    case NewColumn: return numberText(c.new_median_ms);
    case RatioColumn: return c.ratio ? QStringLiteral("%1\u00d7").arg(QString::number(*c.ratio, 'f', 3)) : absentMark();
    case IntervalColumn:
      return c.ratio_lo && c.ratio_hi
                 ? QStringLiteral("[%1, %2]")
                       .arg(QString::number(*c.ratio_lo, 'f', 3), QString::number(*c.ratio_hi, 'f', 3))
                 : absentMark();
    case QColumn: return numberText(c.q_bh);
    case VerdictColumn: return QString::fromLatin1(sb::to_string(c.verdict));
    case NoteColumn: return qstr(c.note);
    default: return {};
  }
}

QVariant CompareListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
    return QAbstractTableModel::headerData(section, orientation, role);
  static const char* const kTitles[] = {"Workload",      "Strategy",     "Params", "Device",
                                        "Base p50 (ms)", "New p50 (ms)", "Ratio",  "95% interval",
                                        "q (BH)",        "Verdict",      "Note"};
  return tr(kTitles[section]);
}

CompareHeatmapModel::CompareHeatmapModel(QObject* parent) : QAbstractTableModel(parent) {}

void CompareHeatmapModel::setResult(const sb::CompareResult& result) {
  beginResetModel();
  rows_ = result.rows;
  strategies_.clear();
  configs_.clear();
  std::set<std::string> devices;
  for (const auto& c : rows_) devices.insert(c.device);
  const bool withDevice = devices.size() > 1;
  std::unordered_map<std::string, int> strategyIndex, configIndex;
  std::vector<std::pair<int, int>> where;
  where.reserve(rows_.size());
  for (const auto& c : rows_) {
    const std::string s = withDevice ? c.strategy + " (" + c.device + ")" : c.strategy;
    const std::string k = c.workload + " \u00b7 " + c.params;
    auto [si, sNew] = strategyIndex.try_emplace(s, static_cast<int>(strategies_.size()));
    if (sNew) strategies_ << qstr(s);
    auto [ci, cNew] = configIndex.try_emplace(k, static_cast<int>(configs_.size()));
    if (cNew) configs_ << qstr(k);
    where.emplace_back(si->second, ci->second);
  }
  slot_.assign(static_cast<std::size_t>(strategies_.size()) * static_cast<std::size_t>(configs_.size()), -1);
  for (std::size_t i = 0; i < where.size(); ++i)
    slot_[static_cast<std::size_t>(where[i].first) * static_cast<std::size_t>(configs_.size()) +
          static_cast<std::size_t>(where[i].second)] = static_cast<int>(i);
  endResetModel();
}

const sb::CellComparison* CompareHeatmapModel::comparisonAt(int row, int column) const {
  if (row < 0 || column < 0 || row >= strategies_.size() || column >= configs_.size()) return nullptr;
  const int i = slot_[static_cast<std::size_t>(row) * static_cast<std::size_t>(configs_.size()) +
                      static_cast<std::size_t>(column)];
  return i < 0 ? nullptr : &rows_[static_cast<std::size_t>(i)];
}

QModelIndex CompareHeatmapModel::indexOf(const QString& id) const {
  const std::string key = id.toStdString();
  for (int r = 0; r < strategies_.size(); ++r)
    for (int c = 0; c < configs_.size(); ++c)
      if (const auto* cmp = comparisonAt(r, c); cmp && cmp->id == key) return index(r, c);
  return {};
}

int CompareHeatmapModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(strategies_.size());
}
int CompareHeatmapModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(configs_.size());
}

QVariant CompareHeatmapModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const sb::CellComparison* c = comparisonAt(index.row(), index.column());
  if (!c) return {};
  switch (role) {
    case Qt::DisplayRole: {
      if (!c->ratio) return QStringLiteral("\u2014");
      const char* mark = c->verdict == sb::Verdict::faster   ? " \u25bc"
                         : c->verdict == sb::Verdict::slower ? " \u25b2"
                         : c->verdict == sb::Verdict::same   ? " ="
                                                             : " ?";
      return QString::number(*c->ratio, 'f', 2) + QString::fromUtf8(mark);
    }
    case Qt::BackgroundRole: return compareColor(*c);
    case Qt::ForegroundRole:
      return QColor(std::abs(std::log(c->ratio.value_or(1))) > 0.15 &&
                            (c->verdict == sb::Verdict::faster || c->verdict == sb::Verdict::slower)
                        ? Qt::white
                        : Qt::black);
    case Qt::TextAlignmentRole: return int(Qt::AlignCenter);
    case Qt::ToolTipRole: return tooltipOf(*c);
    case CellIdRole: return qstr(c->id);
    case CompareSortRole: return number(c->ratio);
    default: return {};
  }
}

QVariant CompareHeatmapModel::headerData(int section, Qt::Orientation orientation, int role) const {
  const QStringList& names = orientation == Qt::Horizontal ? configs_ : strategies_;
  if (section < 0 || section >= names.size() || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
    return QAbstractTableModel::headerData(section, orientation, role);
  return names[section];
}

}  // namespace sb::gui
