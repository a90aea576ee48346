#include "stratbench/gui/cell_table_model.hpp"

#include <iterator>
#include <optional>
#include <utility>

#include <QColor>

#include "stratbench/gui/number_format.hpp"
#include "stratbench/gui/qt_text.hpp"
#include "stratbench/result/metrics_table.hpp"

namespace sb::gui {
namespace {

// The metric shown in each metric column, in column order from LatencyP50Column; its
// value, text, heading and tooltip come from the metrics table (result/metrics_table.hpp).
constexpr const char* kMetricColumnPaths[] = {
    "latency_ms.p50",         "throughput.value", "memory.peak_rss_bytes", "latency_ms.cv", "quality.rel_error",
    "quality.top1_agreement", "quality.kl",
};
static_assert(std::size(kMetricColumnPaths) == CellTableModel::StoppingColumn - CellTableModel::LatencyP50Column,
              "one metric path per metric column");

// nullptr for the text columns.
const sb::MetricField* metricOf(int column) {
  static const std::vector<const sb::MetricField*> fields = [] {
    std::vector<const sb::MetricField*> v;
    for (const char* path : kMetricColumnPaths) v.push_back(&sb::metric_field(path));
    return v;
  }();
  const int i = column - CellTableModel::LatencyP50Column;
  return i >= 0 && i < static_cast<int>(fields.size()) ? fields[static_cast<std::size_t>(i)] : nullptr;
}

// The unit a heading states: a percentage carries its sign in every cell, and a unit that
// is each cell's own (throughput) is in the cells too.
QString headingUnit(const sb::MetricField& f) {
  if (f.display == sb::Display::percent) return {};
  return qstr(sb::display_unit(f));
}

// Integers zero-padded so that a plain string comparison orders "k=512" before "k=1024";
// the printed form keeps the params readable, this key only orders them.
QString paramsSortKey(const sb::Params& params) {
  QString key;
  for (const auto& [name, value] : params) {
    if (!key.isEmpty()) key += u',';
    key += qstr(name) + u'=';
    if (const auto* i = std::get_if<std::int64_t>(&value); i && *i >= 0)
      key += QStringLiteral("%1").arg(*i, 20, 10, QLatin1Char('0'));
    else
      key += qstr(sb::to_string(value));
  }
  return key;
}

// The number a metric column sorts by, in its heading's unit (MiB for bytes; fractions
// stay fractions); invalid when the cell did not measure it: absent sorts as absent, not as
// zero. Throughputs of different units compare when a run mixes workloads; sorting stays
// usable within one.
QVariant sortValue(const sb::MetricField& f, const sb::Cell& cell) {
  const auto v = f.get(cell);
  if (!v) return {};
  return f.display == sb::Display::mebibytes ? sb::display_value(f, *v) : *v;
}

QString metricText(const sb::MetricField& f, const sb::Cell& cell) {
  const auto v = f.get(cell);
  if (!v) return absentMark();
  switch (f.display) {
    case sb::Display::mebibytes: return formatMebibytes(static_cast<std::uint64_t>(*v));
    case sb::Display::percent: return formatPercent(*v);
    case sb::Display::number: break;
  }
  return formatMeasurement(*v) + (f.cell_unit ? u' ' + qstr(f.cell_unit(cell)) : QString());
}

QString stoppingText(const sb::Cell& cell) {
  if (!cell.metrics.stopping) return {};
  const sb::StoppingInfo& s = *cell.metrics.stopping;
  if (s.target_reached)
    return QStringLiteral("target %1 reached at %2").arg(formatPercent(s.target_rse), formatPercent(s.achieved_rse));
  return QStringLiteral("budget %1 s spent at %2 (target %3)")
      .arg(formatMeasurement(s.budget_s), formatPercent(s.achieved_rse), formatPercent(s.target_rse));
}

QString displayText(const sb::Cell& cell, int column) {
  if (const sb::MetricField* f = metricOf(column)) return metricText(*f, cell);
  switch (column) {
    case CellTableModel::WorkloadColumn: return qstr(cell.workload);
    case CellTableModel::StrategyColumn: return qstr(cell.strategy);
    case CellTableModel::ParamsColumn: return qstr(sb::params_to_string(cell.params));
    case CellTableModel::DeviceColumn: return qstr(cell.device);
    case CellTableModel::StatusColumn: return QString::fromLatin1(sb::to_string(cell.status));
    case CellTableModel::StoppingColumn: return stoppingText(cell);
    case CellTableModel::ReasonColumn: return qstr(cell.reason);
    default: return {};
  }
}

QVariant statusColor(sb::CellStatus status) {
  // Dark enough to read on both the plain and the alternate row background.
  switch (status) {
    case sb::CellStatus::failed: return QColor(0xb0, 0x1e, 0x1e);
    case sb::CellStatus::timeout: return QColor(0xb3, 0x5c, 0x00);
    case sb::CellStatus::skipped: return QColor(0x6e, 0x6e, 0x6e);
    case sb::CellStatus::ok: break;
  }
  return {};
}

}  // namespace

CellTableModel::CellTableModel(QObject* parent)
    : QAbstractTableModel(parent), run_(std::make_shared<const sb::RunFile>()) {}

void CellTableModel::setRun(std::shared_ptr<const sb::RunFile> run) {
  beginResetModel();
  run_ = run ? std::move(run) : std::make_shared<const sb::RunFile>();
  endResetModel();
}

void CellTableModel::setRun(sb::RunFile run) { setRun(std::make_shared<const sb::RunFile>(std::move(run))); }

const sb::Cell* CellTableModel::cellAt(int row) const {
  if (row < 0 || static_cast<std::size_t>(row) >= run_->cells.size()) return nullptr;
  return &run_->cells[static_cast<std::size_t>(row)];
}

int CellTableModel::rowCount(const QModelIndex& parent) const {
  // A table: only the invisible root has children.
  return parent.isValid() ? 0 : static_cast<int>(run_->cells.size());
}

int CellTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant CellTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const sb::Cell& cell = *cellAt(index.row());
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole: return displayText(cell, column);
    case SortRole:
      if (const sb::MetricField* f = metricOf(column)) return sortValue(*f, cell);
      if (column == ParamsColumn) return paramsSortKey(cell.params);
      if (column == StoppingColumn && cell.metrics.stopping) return cell.metrics.stopping->achieved_rse;
      return displayText(cell, column);
    case UnitRole:
      if (const sb::MetricField* f = metricOf(column); f && f->cell_unit) return qstr(f->cell_unit(cell));
      return {};
    case Qt::TextAlignmentRole:
      return metricOf(column) ? int(Qt::AlignRight | Qt::AlignVCenter) : int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole: return column == StatusColumn ? statusColor(cell.status) : QVariant();
    case Qt::ToolTipRole: {
      // The page elides long strategies and params; the tooltip has them whole.
      QString tip;
      if (column == StrategyColumn || column == ParamsColumn) tip = displayText(cell, column);
      // Why a cell has no numbers is the first question a reader asks about it.
      if (!cell.reason.empty()) {
        if (!tip.isEmpty()) tip += u'\n';
        tip += QString::fromLatin1(sb::to_string(cell.status)) + QStringLiteral(": ") + qstr(cell.reason);
      }
      return tip.isEmpty() ? QVariant() : QVariant(plainToolTip(tip));
    }
    default: return {};
  }
}

QVariant CellTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
    return QAbstractTableModel::headerData(section, orientation, role);
  if (const sb::MetricField* f = metricOf(section)) {
    const QString unit = headingUnit(*f);
    if (role == Qt::DisplayRole)
      return qstr(f->title) + (unit.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(unit));
    if (role == Qt::ToolTipRole)
      return qstr(f->description) + (unit.isEmpty() ? QString() : QStringLiteral(", in %1").arg(unit));
  }
  if (role == Qt::DisplayRole) {
    switch (section) {
      case WorkloadColumn: return tr("Workload");
      case StrategyColumn: return tr("Strategy");
      case ParamsColumn: return tr("Params");
      case DeviceColumn: return tr("Device");
      case StatusColumn: return tr("Status");
      case StoppingColumn: return tr("Stopping");
      case ReasonColumn: return tr("Reason");
      default: break;
    }
  }
  return QAbstractTableModel::headerData(section, orientation, role);
}

}  // namespace sb::gui
