// Starting a child process: the one fork/exec of the harness, used by the cell runner (a
// cell in its own process) and by the interleaved gate (a `run` per arm and pair).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace sb {

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is the executable's path
  int output_fd = -1;             // the child's stdout and stderr; -1 keeps the parent's
  // Its own process group: kill(-pid) then reaches everything the child starts, and the
  // terminal's Ctrl-C reaches only the parent, which decides.
  bool own_process_group = false;
  // SIGKILL when the parent dies (a runner killed outright must not leave a hung cell).
  bool die_with_parent = false;
  std::vector<int> inherit_fds;  // descriptors (opened O_CLOEXEC) that the child keeps
};

// Forks and execs. The child exits with CellExit::exec_failed (127) when the exec fails and
// CellExit::orphaned (126) when the parent is already gone. Throws std::runtime_error when
// fork fails.
pid_t spawn_process(const SpawnSpec& spec);

// Waits for the child; its exit code, or 128 + the signal that killed it.
int wait_exit_code(pid_t pid);

// Runs argv to its end with stdout and stderr into `output_path` (created or truncated);
// its exit code as wait_exit_code gives it. InputError when the file cannot be created.
int run_to_file(const std::vector<std::string>& argv, const std::string& output_path);

}  // namespace sb
