#include "stratbench/harness/spawn.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "stratbench/harness/cell_main.hpp"
#include "stratbench/result/errors.hpp"

namespace sb {

pid_t spawn_process(const SpawnSpec& spec) {
  // Everything the child needs is built before the fork: after it, only system calls.
  std::vector<std::string> args = spec.argv;
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid > 0) {
    if (spec.own_process_group) ::setpgid(pid, pid);  // also here, so the group exists before any kill
    return pid;
  }
  if (spec.own_process_group) ::setpgid(0, 0);
  if (spec.die_with_parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(code(CellExit::orphaned));
  }
  ::signal(SIGINT, SIG_DFL);
  if (spec.output_fd >= 0) {
    ::dup2(spec.output_fd, STDOUT_FILENO);
    ::dup2(spec.output_fd, STDERR_FILENO);
  }
  for (int fd : spec.inherit_fds) ::fcntl(fd, F_SETFD, 0);
  ::execv(argv[0], argv.data());
  std::fprintf(stderr, "exec %s failed: %s\n", argv[0], std::strerror(errno));
  ::_exit(code(CellExit::exec_failed));
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_to_file(const std::vector<std::string>& argv, const std::string& output_path) {
  const int fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(output_path + ": cannot create: " + std::strerror(errno));
  SpawnSpec spec;
  spec.argv = argv;
  spec.output_fd = fd;
  pid_t pid = -1;
  try {
    pid = spawn_process(spec);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return wait_exit_code(pid);
}

}  // namespace sb
