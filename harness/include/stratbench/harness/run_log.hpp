// The run's JSONL log: a header line (run header, matrix, results path), then one line per
// finished cell, each flushed and fsynced before the next cell starts, so a killed runner
// loses nothing that finished. `--resume LOG` reads it back.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "stratbench/harness/matrix.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

struct RunLogContents {
  RunHeader header;
  MatrixSpec spec;
  std::string results_path;
  std::vector<Cell> cells;              // finished cells, in log order (a later line for an id supersedes)
  std::vector<std::string> cell_lines;  // "LOG: line N" of each cell, for error messages
};

// A truncated last line (the runner killed mid-write) is dropped; any other bad line is an
// InputError naming the line.
RunLogContents read_run_log(const std::string& path);
RunLogContents parse_run_log(const std::string& text, const std::string& path);

// The writer holds an advisory lock (fcntl) on the log for its lifetime: a second runner on
// the same log fails at once with an InputError naming the holder's pid.
class RunLogWriter {
 public:
  // Creates the log and writes the header line (fresh run). An existing log at `path` is
  // replaced only once the new header is on disk.
  RunLogWriter(const std::string& path, const RunHeader& h, const MatrixSpec& spec, const std::string& results_path);
  // Opens and locks an existing log (resume); text() is its contents, read under the lock.
  // The first append cuts a torn last line.
  explicit RunLogWriter(const std::string& path);
  ~RunLogWriter();
  RunLogWriter(const RunLogWriter&) = delete;
  RunLogWriter& operator=(const RunLogWriter&) = delete;

  void append(const Cell& c);
  const std::string& text() const { return text_; }

 private:
  int fd_ = -1;
  std::string path_;
  std::string text_;
  bool appending_ = false;
};

}  // namespace sb
