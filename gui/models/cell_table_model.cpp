#include "stratbench/gui/cell_table_model.hpp"

#include <optional>
#include <utility>

#include <QColor>

#include "stratbench/gui/number_format.hpp"

namespace sb::gui {
namespace {

QString qstr(const std::string& s) { return QString::fromStdString(s); }

bool isNumericColumn(int column) {
  return column == CellTableModel::LatencyP50Column || column == CellTableModel::ThroughputColumn ||
         column == CellTableModel::PeakRssColumn || column == CellTableModel::CvColumn ||
         column == CellTableModel::RelErrorColumn || column == CellTableModel::Top1Column ||
         column == CellTableModel::KlColumn;
}

// An absent metric sorts as absent (invalid), not as zero.
QVariant optionalValue(const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); }

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

// The number a numeric column sorts by; invalid when the cell did not measure it.
QVariant metricValue(const sb::Cell& cell, int column) {
  const sb::Metrics& m = cell.metrics;
  switch (column) {
    case CellTableModel::LatencyP50Column:
      return m.latency_ms ? QVariant(m.latency_ms->p50) : QVariant();
    case CellTableModel::ThroughputColumn:
      // Compared across units when a run mixes workloads; sorting stays usable within one.
      return m.throughput ? QVariant(m.throughput->value) : QVariant();
    case CellTableModel::PeakRssColumn:
      return m.memory.peak_rss_bytes
                 ? QVariant(static_cast<double>(*m.memory.peak_rss_bytes) / (1024.0 * 1024.0))
                 : QVariant();
    case CellTableModel::CvColumn:
      return m.latency_ms ? QVariant(m.latency_ms->cv) : QVariant();
    case CellTableModel::RelErrorColumn: return optionalValue(m.quality.rel_error);
    case CellTableModel::Top1Column: return optionalValue(m.quality.top1_agreement);
    case CellTableModel::KlColumn: return optionalValue(m.quality.kl);
    default:
      return {};
  }
}

QString displayText(const sb::Cell& cell, int column) {
  const sb::Metrics& m = cell.metrics;
  switch (column) {
    case CellTableModel::WorkloadColumn: return qstr(cell.workload);
    case CellTableModel::StrategyColumn: return qstr(cell.strategy);
    case CellTableModel::ParamsColumn: return qstr(sb::params_to_string(cell.params));
    case CellTableModel::DeviceColumn: return qstr(cell.device);
    case CellTableModel::StatusColumn: return QString::fromLatin1(sb::to_string(cell.status));
    case CellTableModel::LatencyP50Column:
      return m.latency_ms ? formatMeasurement(m.latency_ms->p50) : absentMark();
    case CellTableModel::ThroughputColumn:
      return m.throughput ? formatMeasurement(m.throughput->value) + u' ' + qstr(m.throughput->unit)
                          : absentMark();
    case CellTableModel::PeakRssColumn:
      return m.memory.peak_rss_bytes ? formatMebibytes(*m.memory.peak_rss_bytes) : absentMark();
    case CellTableModel::CvColumn:
      return m.latency_ms ? formatPercent(m.latency_ms->cv) : absentMark();
    case CellTableModel::RelErrorColumn:
      return m.quality.rel_error ? formatMeasurement(*m.quality.rel_error) : absentMark();
    case CellTableModel::Top1Column:
      return m.quality.top1_agreement ? formatPercent(*m.quality.top1_agreement) : absentMark();
    case CellTableModel::KlColumn:
      return m.quality.kl ? formatMeasurement(*m.quality.kl) : absentMark();
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

CellTableModel::CellTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void CellTableModel::setRun(sb::RunFile run) {
  beginResetModel();
  run_ = std::move(run);
  endResetModel();
}

const sb::Cell* CellTableModel::cellAt(int row) const {
  if (row < 0 || static_cast<std::size_t>(row) >= run_.cells.size()) return nullptr;
  return &run_.cells[static_cast<std::size_t>(row)];
}

int CellTableModel::rowCount(const QModelIndex& parent) const {
  // A table: only the invisible root has children.
  return parent.isValid() ? 0 : static_cast<int>(run_.cells.size());
}

int CellTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant CellTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
    return {};
  const sb::Cell& cell = *cellAt(index.row());
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole:
      return displayText(cell, column);
    case SortRole:
      if (isNumericColumn(column)) return metricValue(cell, column);
      if (column == ParamsColumn) return paramsSortKey(cell.params);
      return displayText(cell, column);
    case Qt::TextAlignmentRole:
      return isNumericColumn(column) ? int(Qt::AlignRight | Qt::AlignVCenter)
                                     : int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      return column == StatusColumn ? statusColor(cell.status) : QVariant();
    case Qt::ToolTipRole: {
      // The page elides long strategies and params; the tooltip has them whole.
      QString tip;
      if (column == StrategyColumn || column == ParamsColumn) tip = displayText(cell, column);
      // Why a cell has no numbers is the first question a reader asks about it.
      if (!cell.reason.empty()) {
        if (!tip.isEmpty()) tip += u'\n';
        tip += QString::fromLatin1(sb::to_string(cell.status)) + QStringLiteral(": ") + qstr(cell.reason);
      }
      return tip.isEmpty() ? QVariant() : QVariant(tip);
    }
    default:
      return {};
  }
}

QVariant CellTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
    return QAbstractTableModel::headerData(section, orientation, role);
  if (role == Qt::DisplayRole) {
    switch (section) {
      case WorkloadColumn: return tr("Workload");
      case StrategyColumn: return tr("Strategy");
      case ParamsColumn: return tr("Params");
      case DeviceColumn: return tr("Device");
      case StatusColumn: return tr("Status");
      case LatencyP50Column: return tr("p50 (ms)");
      case ThroughputColumn: return tr("Throughput");
      case PeakRssColumn: return tr("Peak RSS (MiB)");
      case CvColumn: return tr("CV");
      case RelErrorColumn: return tr("Rel. error");
      case Top1Column: return tr("Top-1");
      case KlColumn: return tr("KL");
      default: break;
    }
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case LatencyP50Column: return tr("Median time of one iteration over all samples, in ms");
      case ThroughputColumn: return tr("Work per second, in the unit the workload reports");
      case PeakRssColumn: return tr("Peak resident set size of the cell process, in MiB");
      case CvColumn: return tr("Coefficient of variation of the latency samples (stddev / mean)");
      case RelErrorColumn:
        return tr("Relative error of the output against the workload's reference: ||got - ref|| / ||ref||");
      case Top1Column:
        return tr("Next-token argmaxes that agree with the fp32 baseline's, over the generated tokens");
      case KlColumn: return tr("Mean KL divergence of the next-token distributions from the fp32 baseline's, in nats");
      default: break;
    }
  }
  return QAbstractTableModel::headerData(section, orientation, role);
}

}  // namespace sb::gui
