#include "stratbench/harness/run_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/result/run_log_lines.hpp"

namespace sb {

using nlohmann::json;

namespace {

[[noreturn]] void fail_errno(const std::string& path, const std::string& what, int err) {
  throw InputError(path + ": " + what + ": " + std::strerror(err));
}

// A POSIX record lock on the whole file: the kernel drops it when the process dies, so a
// SIGKILLed runner never leaves a stale lock, and F_GETLK names the holder. (POSIX locks
// are released when *any* descriptor of the file is closed in this process, which is
// why the log is read through the locked descriptor, never reopened.)
void lock_or_fail(int fd, const std::string& path) {
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (::fcntl(fd, F_SETLK, &fl) == 0) return;
  if (errno != EACCES && errno != EAGAIN) fail_errno(path, "cannot lock the run log", errno);
  struct flock q {};
  q.l_type = F_WRLCK;
  q.l_whence = SEEK_SET;
  const std::string pid = ::fcntl(fd, F_GETLK, &q) == 0 && q.l_type != F_UNLCK ? std::to_string(q.l_pid) : "unknown";
  throw InputError(path + ": in use by another stratbench run (pid " + pid +
                   "); give this run its own -o, or wait for that one to finish");
}

// Opens and locks `path`, retrying when another runner replaced the file between our open
// and our lock (then our descriptor would lock a file that is no longer the log).
int open_locked(const std::string& path, int flags, bool& created) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    created = false;
    int fd = -1;
    if (flags & O_CREAT) {
      fd = ::open(path.c_str(), (flags | O_EXCL | O_NOFOLLOW) | O_CLOEXEC, 0644);
      created = fd >= 0;
      if (fd < 0 && errno != EEXIST) fail_errno(path, "cannot create the run log", errno);
    }
    if (fd < 0) fd = ::open(path.c_str(), (flags & ~O_CREAT) | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT && (flags & O_CREAT)) continue;  // removed between our two opens
      fail_errno(path, "cannot open the run log", errno);
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      throw InputError(path + ": is a directory, not a run log");
    }
    try {
      lock_or_fail(fd, path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    struct stat now {};
    if (::stat(path.c_str(), &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev) return fd;
    ::close(fd);
  }
  throw InputError(path + ": the run log keeps being replaced by another process");
}

void write_all(int fd, const std::string& s, const std::string& path) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t w = ::write(fd, s.data() + off, s.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) fail_errno(path, "cannot write the run log", errno);
    off += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0) fail_errno(path, "cannot write the run log", errno);
}

std::string read_all(int fd, const std::string& path) {
  std::string out;
  char buf[65536];
  for (off_t off = 0;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(path, "cannot read the run log", errno);
    if (n == 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
    off += n;
  }
}

}  // namespace

RunLogContents parse_run_log(const std::string& text, const std::string& path) {
  RunLogContents out;
  read_run_log_lines(
      text, path,
      [&](const json& j, const jf::Path& p) {
        out.header = header_from_json(jf::need(j, "run", p), p.where);
        out.spec = matrix_from_json(jf::need(j, "matrix", p), p.where);
        out.results_path = jf::str(jf::need(j, "results", p), p / "results");
      },
      [&](const json& cell, const jf::Path& p) {
        out.cells.push_back(cell_from_json(cell, p.where));
        out.cell_lines.push_back(p.where);
      });
  return out;
}

RunLogContents read_run_log(const std::string& path) { return parse_run_log(read_text_file(path), path); }

RunLogWriter::RunLogWriter(const std::string& path, const RunHeader& h, const MatrixSpec& spec,
                           const std::string& results_path)
    : path_(path) {
  // Lock the log's name first, so a second runner with the same -o stops here; then write
  // the header to a locked temp file and rename it over the old log, which therefore stays
  // whole until the new one's header is safely on disk.
  bool created = false;
  const int old_fd = open_locked(path, O_RDWR | O_CREAT, created);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  auto give_up = [&](int err, const std::string& what) {
    if (fd >= 0) ::close(fd), ::unlink(tmp.c_str());
    if (created) ::unlink(path.c_str());
    ::close(old_fd);
    fail_errno(path, what, err);
  };
  if (fd < 0) give_up(errno, "cannot create " + tmp);
  try {
    lock_or_fail(fd, tmp);
    write_all(fd,
              json{{"type", "header"}, {"run", to_json(h)}, {"matrix", to_json(spec)}, {"results", results_path}}.dump(
                  -1, ' ', false, json::error_handler_t::replace) +
                  "\n",
              path);
  } catch (const InputError&) {
    ::close(fd), ::unlink(tmp.c_str());
    if (created) ::unlink(path.c_str());
    ::close(old_fd);
    throw;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) give_up(errno, "cannot replace the run log");
  ::close(old_fd);
  fd_ = fd;
}

RunLogWriter::RunLogWriter(const std::string& path) : path_(path) {
  bool created = false;
  fd_ = open_locked(path, O_RDWR, created);
  try {
    text_ = read_all(fd_, path);
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

RunLogWriter::~RunLogWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void RunLogWriter::append(const Cell& c) {
  if (!appending_) {
    // Drop a torn last line (a killed runner's) so this append starts on a line of its own.
    std::size_t keep = text_.size();
    if (!text_.empty() && text_.back() != '\n') {
      const auto nl = text_.rfind('\n');
      keep = nl == std::string::npos ? 0 : nl + 1;
    }
    if (!text_.empty() && ::ftruncate(fd_, static_cast<off_t>(keep)) != 0)
      fail_errno(path_, "cannot cut the torn last line", errno);
    if (::lseek(fd_, 0, SEEK_END) < 0) fail_errno(path_, "cannot append", errno);
    appending_ = true;
    text_.clear();
  }
  // A cell's reason quotes the child's last output, which need not be UTF-8: such bytes
  // become U+FFFD rather than stopping the run.
  write_all(fd_,
            json{{"type", "cell"}, {"cell", to_json(c)}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n",
            path_);
}

}  // namespace sb
