// The launcher's data: the catalog `stratbench list --json` prints (workloads with their
// parameters, presets, knobs), the `run` command line a matrix choice makes, and a run's
// progress read from its JSONL log (the same log `run --resume` reads).
#pragma once

#include <QString>
#include <QStringList>
#include <vector>

namespace sb::gui {

struct CatalogParam {
  QString name, defaultValue, kind, help;  // kind: integer, choice, text
  QStringList choices;
  qint64 min = 0, max = 0;
};

struct CatalogWorkload {
  QString name, description, unit;
  std::vector<CatalogParam> params;
};

struct Catalog {
  std::vector<CatalogWorkload> workloads;
  QStringList presets, presetHelp;
};

// Parses stratbench/catalog/v1; false with the reason (which field) in *error.
bool parseCatalog(const QByteArray& json, Catalog* out, QString* error);

struct LaunchSpec {
  QStringList workloads, strategies;  // -w, -s
  // parameter -> its values as typed ("64,128" or "32-256*2"); empty values are left out
  std::vector<std::pair<QString, QString>> params;
  QString output;      // -o
  double budget = 0;   // --budget seconds per cell; 0 leaves the default
  bool trace = false;  // --trace
};

// The arguments after the program: run -w ... -s ... -p name=values ... -o OUT.
QStringList runArguments(const LaunchSpec& spec);

struct RunProgress {
  int done = 0, ok = 0, failed = 0;  // cells logged so far
  QString lastCell;                  // "gemm blocked m=64" of the latest one
};

// Reads a run's JSONL log as far as it is written (a partial last line is not counted).
RunProgress readRunProgress(const QString& logPath);

// The cell count `run --dry-run` reports ("12 cells, 10 to run, ..."); -1 when absent.
int dryRunCellCount(const QString& output);

}  // namespace sb::gui
