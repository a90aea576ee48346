#include "stratbench/harness/progress.hpp"

#include <cmath>
#include <cstdio>

namespace sb {

static std::string clock_text(double s) {
  const int t = static_cast<int>(std::lround(s));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d:%02d", t / 60, t % 60);
  return buf;
}

Progress::Progress(int total, bool terminal)
    : total_(total), terminal_(terminal), start_(std::chrono::steady_clock::now()) {}

std::string Progress::label(const Cell& c) const {
  return c.workload + " " + c.strategy + " " + params_to_string(c.params) + (c.device == "cpu" ? "" : " " + c.device);
}

std::string Progress::timing(int finished) const {
  const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string s = "elapsed " + clock_text(el);
  if (finished > 0 && finished < total_) s += ", ~" + clock_text(el / finished * (total_ - finished)) + " left";
  return s;
}

void Progress::cell_started(int index, const Cell& c) {
  if (!terminal_) return;
  std::fprintf(stderr, "\r\033[K[%d/%d] %s  (%s)", index, total_, label(c).c_str(), timing(index - 1).c_str());
  std::fflush(stderr);
}

void Progress::cell_finished(int index, const Cell& c) {
  std::string outcome = to_string(c.status);
  if (c.status == CellStatus::ok && c.metrics.latency_ms) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "ok  p50 %.4g ms", c.metrics.latency_ms->p50);
    outcome = buf;
  } else if (!c.reason.empty()) {
    outcome += ": " + c.reason.substr(0, c.reason.find('\n'));
  }
  if (terminal_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "[%d/%d] %s: %s  (%s)\n", index, total_, label(c).c_str(), outcome.c_str(),
               timing(index).c_str());
  std::fflush(stderr);
}

void Progress::message(const std::string& line) {
  if (terminal_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

void Progress::done() {
  if (terminal_) std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace sb
