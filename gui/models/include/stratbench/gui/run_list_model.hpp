// The Runs page's list: one row per loaded run, with where it came from (file, host,
// commit, time) and which role it plays (current, baseline). Follows the RunStore.
#pragma once

#include <QAbstractTableModel>

namespace sb::gui {

class RunStore;

class RunListModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column : int { FileColumn, RoleColumn, CellsColumn, HostColumn, CommitColumn, StartedColumn, ColumnCount };

  explicit RunListModel(const RunStore* store, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  const RunStore* store_;
};

}  // namespace sb::gui
