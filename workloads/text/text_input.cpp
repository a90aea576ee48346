#include "stratbench/workloads/text/text_input.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "stratbench/result/errors.hpp"

namespace sb::text {
namespace {

int open_or_throw(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(path + ": not a regular file");
  }
  return fd;
}

}  // namespace

std::string datasets_dir() {
  const char* env = std::getenv("STRATBENCH_DATASETS_DIR");
  return env && *env ? env : STRATBENCH_DATASETS_DIR;
}

std::string resolve_text_input(const std::string& input) {
  std::string path = input;
  if (input == "sample") path = datasets_dir() + "/sample/sample.txt";
  if (input == "corpus") path = datasets_dir() + "/corpus/corpus.txt";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw InputError(path + ": no such input file" +
                     (input == "corpus" ? std::string(" (scripts/setup.sh builds the corpus)") : std::string()));
  return path;
}

std::size_t file_size(const std::string& path) {
  const int fd = open_or_throw(path);
  struct stat st {};
  ::fstat(fd, &st);
  ::close(fd);
  return static_cast<std::size_t>(st.st_size);
}

MappedFile::MappedFile(const std::string& path) {
  const int fd = open_or_throw(path);
  struct stat st {};
  ::fstat(fd, &st);
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data_ == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      data_ = nullptr;
      throw InputError(path + ": cannot map: " + std::strerror(err));
    }
    ::madvise(data_, size_, MADV_SEQUENTIAL);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(data_, size_);
}

MappedFile::MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) {
  o.data_ = nullptr;
  o.size_ = 0;
}

void read_file_into(const std::string& path, std::vector<char>& buf) {
  const int fd = open_or_throw(path);
  struct stat st {};
  ::fstat(fd, &st);
  buf.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < buf.size()) {
    const ssize_t n = ::read(fd, buf.data() + got, buf.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      throw InputError(path + ": read failed" + (n < 0 ? std::string(": ") + std::strerror(err) : " (file shrank)"));
    }
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

}  // namespace sb::text
