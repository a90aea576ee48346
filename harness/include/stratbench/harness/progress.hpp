// Progress of a run on stderr: one updating line on a terminal (cell i of N, current cell,
// elapsed, estimate left); plain lines, one per finished cell, when not a terminal (CI logs).
#pragma once

#include <chrono>
#include <string>

#include "stratbench/result/result.hpp"

namespace sb {

class Progress {
 public:
  Progress(int total, bool terminal);
  void cell_started(int index, const Cell& c);  // index is 1-based among cells to run
  void cell_finished(int index, const Cell& c);
  void message(const std::string& line);
  void done();

 private:
  std::string label(const Cell& c) const;
  std::string timing(int finished) const;
  int total_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace sb
