#include "stratbench/gui/run_loader.hpp"

#include <exception>

#include <QFile>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/result/run_log_lines.hpp"

namespace sb::gui {

RunLoadResult loadRunFile(const QString& path) {
  RunLoadResult result;
  // The reader's InputError already starts with the path; other exceptions (allocation
  // failure, a library error the reader did not translate) do not, so prefix it.
  try {
    const std::string file = QFile::encodeName(path).toStdString();
    // A run's JSONL log is a run in progress: its header and the cells finished so far.
    if (path.endsWith(QStringLiteral(".jsonl")))
      result.run = sb::run_file_from_log(sb::read_text_file(file), file);
    else
      result.run = sb::read_run_file(file);
  } catch (const sb::InputError& e) {
    result.error = QString::fromStdString(e.what());
  } catch (const std::exception& e) {
    result.error = path + QStringLiteral(": ") + QString::fromStdString(e.what());
  } catch (...) {
    result.error = path + QStringLiteral(": unknown error while reading the file");
  }
  return result;
}

}  // namespace sb::gui
