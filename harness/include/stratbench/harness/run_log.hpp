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
  std::vector<Cell> cells;  // finished cells, in log order
};

// A truncated last line (the runner killed mid-write) is dropped; any other bad line is an
// InputError naming the line.
RunLogContents read_run_log(const std::string& path);

class RunLogWriter {
 public:
  // Creates the log and writes the header line (fresh run).
  RunLogWriter(const std::string& path, const RunHeader& h, const MatrixSpec& spec, const std::string& results_path);
  // Opens an existing log for appending (resume); cuts a torn last line first.
  explicit RunLogWriter(const std::string& path);
  ~RunLogWriter();
  RunLogWriter(const RunLogWriter&) = delete;
  RunLogWriter& operator=(const RunLogWriter&) = delete;

  void append(const Cell& c);

 private:
  void write_line(const std::string& line);
  int fd_ = -1;
  std::string path_;
};

}  // namespace sb
