// Runs: the loaded results files, which one the pages show, which is the baseline of the
// comparison; open, reload and close from here too.
#pragma once

#include <QWidget>

class QTableView;

namespace sb::gui {

class RunListModel;
class RunStore;

class RunsPage : public QWidget {
  Q_OBJECT

 public:
  explicit RunsPage(RunStore* store, QWidget* parent = nullptr);
  QTableView* view() const { return view_; }

 Q_SIGNALS:
  void openRequested();

 private:
  int selectedRow() const;

  RunStore* store_;
  RunListModel* model_;
  QTableView* view_;
};

}  // namespace sb::gui
