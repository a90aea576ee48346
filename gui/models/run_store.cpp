#include "stratbench/gui/run_store.hpp"

#include <QFileInfo>

#include "stratbench/gui/run_loader.hpp"

namespace sb::gui {
namespace {
// Writers replace a results file in a few steps (write a temporary, rename); reading after
// a quiet moment avoids reading half of it.
constexpr int kSettleMs = 300;
}  // namespace

RunStore::RunStore(QObject* parent) : QObject(parent) {
  settle_.setSingleShot(true);
  settle_.setInterval(kSettleMs);
  connect(&watcher_, &QFileSystemWatcher::fileChanged, this, &RunStore::fileChanged);
  connect(&settle_, &QTimer::timeout, this, [this] {
    const QStringList paths = changedPaths_;
    changedPaths_.clear();
    for (const QString& path : paths) {
      const int i = indexOf(path);
      if (i < 0) continue;
      QString error;
      if (!reload(i, &error)) Q_EMIT reloadFailed(path, error);
    }
  });
}

int RunStore::indexOf(const QString& path) const {
  const QString abs = QFileInfo(path).absoluteFilePath();
  for (std::size_t i = 0; i < runs_.size(); ++i)
    if (runs_[i].path == abs) return static_cast<int>(i);
  return -1;
}

bool RunStore::open(const QString& path, QString* error) {
  RunLoadResult loaded = loadRunFile(path);
  if (!loaded.ok()) {
    if (error) *error = loaded.error;
    return false;
  }
  const QString abs = QFileInfo(path).absoluteFilePath();
  auto run = std::make_shared<const sb::RunFile>(std::move(*loaded.run));
  int i = indexOf(abs);
  if (i >= 0) {
    runs_[static_cast<std::size_t>(i)].run = std::move(run);
  } else {
    runs_.push_back({abs, std::move(run)});
    i = count() - 1;
    watcher_.addPath(abs);
  }
  if (baseline_ < 0) baseline_ = i;
  current_ = i;
  Q_EMIT runsChanged();
  Q_EMIT baselineChanged();
  Q_EMIT currentChanged();
  return true;
}

bool RunStore::reload(int index, QString* error) {
  if (index < 0 || index >= count()) return false;
  LoadedRun& r = runs_[static_cast<std::size_t>(index)];
  RunLoadResult loaded = loadRunFile(r.path);
  // A rename-over drops the watch: watch the path again whatever happened.
  if (!watcher_.files().contains(r.path) && QFileInfo::exists(r.path)) watcher_.addPath(r.path);
  if (!loaded.ok()) {
    if (error) *error = loaded.error;
    return false;
  }
  r.run = std::make_shared<const sb::RunFile>(std::move(*loaded.run));
  Q_EMIT runsChanged();
  if (index == current_) Q_EMIT currentChanged();
  if (index == baseline_) Q_EMIT baselineChanged();
  return true;
}

void RunStore::close(int index) {
  if (index < 0 || index >= count()) return;
  watcher_.removePath(runs_[static_cast<std::size_t>(index)].path);
  runs_.erase(runs_.begin() + index);
  auto after = [&](int i) { return i > index ? i - 1 : (i == index ? (count() > 0 ? 0 : -1) : i); };
  current_ = after(current_);
  baseline_ = after(baseline_);
  Q_EMIT runsChanged();
  Q_EMIT baselineChanged();
  Q_EMIT currentChanged();
}

const sb::RunFile* RunStore::currentRun() const { return current_ >= 0 ? at(current_).run.get() : nullptr; }

void RunStore::setCurrent(int index) {
  if (index < 0 || index >= count() || index == current_) return;
  current_ = index;
  Q_EMIT currentChanged();
}

void RunStore::setBaseline(int index) {
  if (index < 0 || index >= count() || index == baseline_) return;
  baseline_ = index;
  Q_EMIT baselineChanged();
}

const sb::Cell* RunStore::selectedCellIn(const sb::RunFile& run) const {
  if (selectedCell_.isEmpty()) return nullptr;
  const std::string id = selectedCell_.toStdString();
  for (const sb::Cell& c : run.cells)
    if (c.id == id) return &c;
  return nullptr;
}

void RunStore::selectCell(const QString& id) {
  if (id == selectedCell_) return;
  selectedCell_ = id;
  Q_EMIT cellSelected(id);
}

void RunStore::fileChanged(const QString& path) {
  if (!changedPaths_.contains(path)) changedPaths_ << path;
  settle_.start();
}

}  // namespace sb::gui
