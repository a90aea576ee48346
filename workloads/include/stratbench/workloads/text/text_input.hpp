// Reading text inputs for the text workloads: named datasets or paths, read into a
// buffer or mapped into memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sb::text {

// $STRATBENCH_DATASETS_DIR when set, else the source tree's datasets/.
std::string datasets_dir();

// "sample" -> datasets/sample/sample.txt, "corpus" -> datasets/corpus/corpus.txt (built by
// scripts/setup.sh); anything else is a path. Throws InputError when the file is missing.
std::string resolve_text_input(const std::string& input);

// A read-only mapping of a whole file (empty files map to an empty view). Move-only.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // throws InputError naming the path
  ~MappedFile();
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

// An open regular file (read-only), closed on destruction. Throws InputError naming the path.
class InputFile {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  int fd() const { return fd_; }
  std::size_t size() const { return size_; }
  // Reads up to n bytes at the current position; 0 at the end.
  std::size_t read_some(char* dst, std::size_t n);

 private:
  std::string path_;
  int fd_;
  std::size_t size_;
};

// Reads the whole file into buf (resized to the file's size; keeps capacity). With
// threads > 1, that many pread()s of equal ranges run at once on the shared pool: a
// parallel reader.
void read_file_into(const std::string& path, std::vector<char>& buf, int threads = 1);
std::size_t file_size(const std::string& path);

}  // namespace sb::text
