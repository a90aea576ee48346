#include "stratbench/gui/run_list_model.hpp"

#include <QDir>
#include <QFileInfo>
#include <QFont>

#include "stratbench/gui/number_format.hpp"
#include "stratbench/gui/qt_text.hpp"
#include "stratbench/gui/run_store.hpp"

namespace sb::gui {

RunListModel::RunListModel(const RunStore* store, QObject* parent) : QAbstractTableModel(parent), store_(store) {
  // A reset on every change: a handful of runs, and a reload may change every column.
  for (auto signal : {&RunStore::runsChanged, &RunStore::currentChanged, &RunStore::baselineChanged})
    connect(store_, signal, this, [this] {
      beginResetModel();
      endResetModel();
    });
}

int RunListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : store_->count(); }
int RunListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RunListModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const LoadedRun& loaded = store_->at(index.row());
  const sb::RunFile& run = *loaded.run;
  if (role == Qt::FontRole && index.row() == store_->current()) {
    QFont bold;
    bold.setBold(true);
    return bold;
  }
  if (role == Qt::ToolTipRole) return plainToolTip(QDir::toNativeSeparators(loaded.path));
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case FileColumn: return QFileInfo(loaded.path).fileName();
    case RoleColumn: {
      QStringList roles;
      if (index.row() == store_->baseline()) roles << tr("baseline");
      if (index.row() == store_->current()) roles << tr("shown");
      return roles.join(QStringLiteral(", "));
    }
    case CellsColumn: return formatCount(static_cast<long long>(run.cells.size()), "cell", "cells");
    case HostColumn: return qstr(run.run.host.cpu);
    case CommitColumn:
      return run.run.git.commit.empty()
                 ? tr("unknown")
                 : qstr(run.run.git.commit).left(10) + (run.run.git.dirty ? tr(" (dirty)") : QString());
    case StartedColumn: return qstr(run.run.started);
    default: return {};
  }
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
    return QAbstractTableModel::headerData(section, orientation, role);
  static const char* const kTitles[] = {"File", "Role", "Cells", "Host", "Commit", "Started"};
  return tr(kTitles[section]);
}

}  // namespace sb::gui
