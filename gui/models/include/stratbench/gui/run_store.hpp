// The one store of loaded runs and the one selection that every page shows: which run is
// current, which is the baseline of a comparison, which cell is selected. Files reload when
// they change on disk (a run finishing, a resumed run rewriting its results).
#pragma once

#include <memory>
#include <vector>

#include <QFileSystemWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

#include "stratbench/result/result.hpp"

namespace sb::gui {

struct LoadedRun {
  QString path;  // absolute
  std::shared_ptr<const sb::RunFile> run;
};

class RunStore : public QObject {
  Q_OBJECT

 public:
  explicit RunStore(QObject* parent = nullptr);

  // Loads path; a path already open is reloaded in place. The first run opened becomes the
  // baseline; the run opened last becomes current. On failure: false, the reason in *error
  // (file and field), and nothing changes.
  bool open(const QString& path, QString* error = nullptr);
  // Reads run `index` again from its file; on failure keeps the loaded copy.
  bool reload(int index, QString* error = nullptr);
  void close(int index);

  int count() const { return static_cast<int>(runs_.size()); }
  const LoadedRun& at(int index) const { return runs_.at(static_cast<std::size_t>(index)); }
  int indexOf(const QString& path) const;
  // -1 when nothing is loaded.
  int current() const { return current_; }
  int baseline() const { return baseline_; }
  const sb::RunFile* currentRun() const;
  void setCurrent(int index);
  void setBaseline(int index);

  // The selected cell of the current run, by id (ids are stable across runs of a matrix,
  // so the selection survives a reload and means the same cell in the compared run).
  const QString& selectedCell() const { return selectedCell_; }
  const sb::Cell* selectedCellIn(const sb::RunFile& run) const;
  void selectCell(const QString& id);

 Q_SIGNALS:
  void runsChanged();  // opened, closed or reloaded
  void currentChanged();
  void baselineChanged();
  void cellSelected(const QString& id);
  // A watched file changed but could not be read again (a writer mid-way, a bad edit).
  void reloadFailed(const QString& path, const QString& error);

 private:
  void fileChanged(const QString& path);

  std::vector<LoadedRun> runs_;
  int current_ = -1, baseline_ = -1;
  QString selectedCell_;
  QFileSystemWatcher watcher_;
  QTimer settle_;             // a file is read again once it has stopped changing
  QStringList changedPaths_;  // waiting for settle_
};

}  // namespace sb::gui
