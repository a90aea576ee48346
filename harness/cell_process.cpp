#include "stratbench/harness/cell_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "stratbench/harness/spawn.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb {
namespace {

constexpr std::size_t kStderrKeep = 4096;  // bytes of the child's output kept for the reason
constexpr int kStderrLines = 8;

std::string last_lines(const std::string& s, int n) {
  std::size_t end = s.size();
  while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r')) --end;
  std::size_t pos = end;
  for (int i = 0; i < n && pos > 0; ++i) {
    pos = s.rfind('\n', pos - 1);
    if (pos == std::string::npos) {
      pos = 0;
      break;
    }
  }
  std::string out = s.substr(pos == 0 ? 0 : pos + 1, end - (pos == 0 ? 0 : pos + 1));
  return out;
}

// The job goes to the child and its result comes back through anonymous memory files
// (memfd) that the child inherits: nothing is written to a shared /tmp, so no other user
// can plant a file or symlink there, and a runner killed outright leaves nothing behind.
int memfd(const char* name) {
  const int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("memfd_create failed: ") + std::strerror(errno));
  return fd;
}

std::string read_fd(int fd) {
  std::string out;
  char buf[65536];
  for (off_t off = 0;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    off += n;
  }
  return out;
}

// Resident set of a process, from /proc/PID/statm (pages); 0 when it cannot be read.
std::uint64_t resident_bytes(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/statm", static_cast<int>(pid));
  std::FILE* f = std::fopen(path, "re");
  if (!f) return 0;
  unsigned long long size = 0, resident = 0;
  const int got = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  return got == 2 ? resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

std::string mib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

}  // namespace

static std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

std::string self_executable() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot resolve /proc/self/exe: " + ec.message());
  return p.string();
}

CellProcessResult run_cell_process(const std::string& self_exe, const CellJob& job, const RunnerOptions& opt,
                                   const std::function<bool()>& stop_now) {
  CellProcessResult res;
  res.cell = job.cell;
  const int spec_fd = memfd("stratbench-cell-spec"), out_fd = memfd("stratbench-cell-out");
  struct Closer {
    int a, b;
    ~Closer() { ::close(a), ::close(b); }
  } closer{spec_fd, out_fd};
  const std::string spec = to_json(job).dump();
  if (::write(spec_fd, spec.data(), spec.size()) != static_cast<ssize_t>(spec.size()))
    throw std::runtime_error(std::string("cannot write the cell's job: ") + std::strerror(errno));
  const std::string spec_arg = "fd:" + std::to_string(spec_fd), out_arg = "fd:" + std::to_string(out_fd);

  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  SpawnSpec child;
  child.argv = {self_exe, kCellSubcommand, spec_arg, out_arg};
  child.output_fd = pipefd[1];
  child.own_process_group = true;
  child.die_with_parent = true;
  child.inherit_fds = {spec_fd, out_fd};  // these two, and only these, survive the exec
  pid_t pid = -1;
  try {
    pid = spawn_process(child);
  } catch (...) {
    ::close(pipefd[0]), ::close(pipefd[1]);
    throw;
  }
  ::close(pipefd[1]);

  std::string output;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  int status = 0;
  bool exited = false, timed_out = false, interrupted = false, pipe_open = true, over_memory = false;
  std::uint64_t resident_at_kill = 0;
  double term_sent_at = -1;
  while (!exited) {
    if (pipe_open) {
      pollfd pfd{pipefd[0], POLLIN, 0};
      if (::poll(&pfd, 1, 20) > 0) {
        char buf[4096];
        ssize_t n = ::read(pipefd[0], buf, sizeof buf);
        if (n > 0) {
          output.append(buf, static_cast<std::size_t>(n));
          if (output.size() > 2 * kStderrKeep) output.erase(0, output.size() - kStderrKeep);
        } else if (n == 0) {
          pipe_open = false;
        }
      }
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) {
      exited = true;
      break;
    }
    if (!interrupted && stop_now()) {
      interrupted = true;
      ::kill(-pid, SIGKILL);
    }
    // The memory limit is on the resident set, checked at every poll (20 ms). A limit on the
    // address space (RLIMIT_AS) was used before and hung cells that fit: threaded libraries
    // reserve far more address space than they touch, and OpenBLAS's threads retried failed
    // allocations forever while exit() waited for them.
    if (opt.memory_limit_bytes > 0 && !over_memory) {
      const std::uint64_t rss = resident_bytes(pid);
      if (rss > opt.memory_limit_bytes) {
        over_memory = true;
        resident_at_kill = rss;
        ::kill(-pid, SIGKILL);
      }
    }
    if (!timed_out && elapsed() > opt.timeout_s) {
      timed_out = true;
      term_sent_at = elapsed();
      ::kill(-pid, SIGTERM);
    }
    if (timed_out && term_sent_at >= 0 && elapsed() - term_sent_at > opt.kill_grace_s) {
      ::kill(-pid, SIGKILL);
      term_sent_at = -1;
    }
  }
  // Drain what is left; a grandchild holding the pipe must not hang us, so no blocking read.
  for (int i = 0; i < 50 && pipe_open; ++i) {
    pollfd pfd{pipefd[0], POLLIN, 0};
    if (::poll(&pfd, 1, 10) <= 0) break;
    char buf[4096];
    ssize_t n = ::read(pipefd[0], buf, sizeof buf);
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(pipefd[0]);
  ::kill(-pid, SIGKILL);  // anything the cell left behind in its group
  if (output.size() > kStderrKeep) output.erase(0, output.size() - kStderrKeep);
  const std::string tail = last_lines(output, kStderrLines);

  Cell& c = res.cell;
  if (interrupted) {
    res.interrupted = true;
    c.status = CellStatus::failed;
    c.reason = "interrupted";
    return res;
  }
  if (timed_out) {
    c.status = CellStatus::timeout;
    c.reason = "timed out after " + seconds_text(opt.timeout_s) + " (SIGTERM, then SIGKILL)";
    if (!tail.empty()) c.reason += "; last output: " + tail;
    return res;
  }
  if (over_memory) {
    c.status = CellStatus::failed;
    c.reason = "out of memory: resident set " + mib(resident_at_kill) + " passed the memory limit of " +
               mib(opt.memory_limit_bytes) + " (killed)";
    if (!tail.empty()) c.reason += "; last output: " + tail;
    return res;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    try {
      c = cell_from_json(parse_json_text(read_fd(out_fd), "cell result"), "cell result");
      return res;
    } catch (const std::exception& e) {
      c.status = CellStatus::failed;
      c.reason = std::string("the cell exited 0 but its result is unreadable: ") + e.what();
      return res;
    }
  }
  c.status = CellStatus::failed;
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    res.signal = sig;
    c.reason = "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    if (sig == SIGKILL) c.reason += " — possibly the kernel's out-of-memory killer";
  } else {
    const int rc = WEXITSTATUS(status);
    c.reason = "exited with code " + std::to_string(rc);
    for (CellExit e : {CellExit::bad_job, CellExit::cannot_write_result, CellExit::orphaned, CellExit::exec_failed})
      if (rc == code(e)) c.reason += std::string(" (") + describe(e) + ")";
  }
  if (!tail.empty()) c.reason += "; last output: " + tail;
  return res;
}

}  // namespace sb
