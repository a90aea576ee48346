// Loading a results file for the GUI: the run, or a message for the user. Nothing a file can
// contain makes it throw, so a bad file costs the user a dialog, not the session.
#pragma once

#include <optional>

#include <QString>

#include "stratbench/result/result.hpp"

namespace sb::gui {

struct RunLoadResult {
  std::optional<sb::RunFile> run;  // set on success
  QString error;                   // on failure: names the file and the offending field

  bool ok() const { return run.has_value(); }
};

// Reads a results file with sb::read_run_file, or a run's JSONL log (a path ending in
// ".jsonl", a run in progress) with sb::run_file_from_log; their InputError (missing file,
// bad JSON, wrong field) and any other exception become `error`.
RunLoadResult loadRunFile(const QString& path);

}  // namespace sb::gui
