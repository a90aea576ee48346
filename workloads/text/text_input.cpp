#include "stratbench/workloads/text/text_input.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/thread_pool.hpp"

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

InputFile::InputFile(const std::string& path) : path_(path), fd_(open_or_throw(path)) {
  struct stat st {};
  ::fstat(fd_, &st);
  size_ = static_cast<std::size_t>(st.st_size);
}

InputFile::~InputFile() { ::close(fd_); }

std::size_t InputFile::read_some(char* dst, std::size_t n) {
  for (;;) {
    const ssize_t got = ::read(fd_, dst, n);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR) throw InputError(path_ + ": read failed: " + std::strerror(errno));
  }
}

namespace {

void pread_all(int fd, char* dst, std::size_t n, std::size_t off, const std::string& path) {
  while (n > 0) {
    const ssize_t got = ::pread(fd, dst, n, static_cast<off_t>(off));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      throw InputError(path + ": read failed at offset " + std::to_string(off) +
                       (got < 0 ? std::string(": ") + std::strerror(errno) : std::string(" (file shrank)")));
    dst += got, off += static_cast<std::size_t>(got), n -= static_cast<std::size_t>(got);
  }
}

}  // namespace

void read_file_into(const std::string& path, std::vector<char>& buf, int threads) {
  const InputFile f(path);
  buf.resize(f.size());
  if (threads <= 1) return pread_all(f.fd(), buf.data(), buf.size(), 0, path);
  const std::size_t per = (buf.size() + static_cast<std::size_t>(threads) - 1) / static_cast<std::size_t>(threads);
  shared_thread_pool(threads).run(threads, [&](int t) {
    const std::size_t from = std::min(buf.size(), per * static_cast<std::size_t>(t));
    const std::size_t to = std::min(buf.size(), from + per);
    pread_all(f.fd(), buf.data() + from, to - from, from, path);
  });
}

}  // namespace sb::text
