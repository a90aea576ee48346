// The GGUF writer: header, metadata, tensor infos, then each tensor at the next multiple of
// the alignment, zero padding between (and after the last, as ggml writes it).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/gguf.hpp"

namespace sb::llm {

// Where emit() puts bytes; counts them so padding can be computed.
class GgufWriter::Sink {
 public:
  virtual ~Sink() = default;
  void put(const void* p, std::size_t n) {
    if (n == 0) return;
    do_put(p, n);
    pos_ += n;
  }
  template <class T>
  void put_le(T v) {
    put(&v, sizeof v);  // little-endian host (static_assert in gguf_value.cpp)
  }
  void put_string(const std::string& s) {
    put_le<std::uint64_t>(s.size());
    put(s.data(), s.size());
  }
  void pad_to(std::uint64_t alignment) {
    static const char zeros[256] = {};
    std::uint64_t n = (alignment - pos_ % alignment) % alignment;
    while (n > 0) {
      const std::size_t k = n < sizeof zeros ? static_cast<std::size_t>(n) : sizeof zeros;
      put(zeros, k);
      n -= k;
    }
  }
  std::uint64_t pos() const { return pos_; }

 private:
  virtual void do_put(const void* p, std::size_t n) = 0;
  std::uint64_t pos_ = 0;
};

namespace {

class VectorSink final : public GgufWriter::Sink {
 public:
  std::vector<std::uint8_t> bytes;

 private:
  void do_put(const void* p, std::size_t n) override {
    const auto* b = static_cast<const std::uint8_t*>(p);
    bytes.insert(bytes.end(), b, b + n);
  }
};

class CountingSink final : public GgufWriter::Sink {
  void do_put(const void*, std::size_t) override {}
};

// Buffered writes to a file descriptor: tensor data arrives in large pieces, metadata in
// many small ones.
class FileSink final : public GgufWriter::Sink {
 public:
  FileSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) { buf_.reserve(kBuf); }
  void flush() {
    std::size_t off = 0;
    while (off < buf_.size()) {
      const ssize_t w = ::write(fd_, buf_.data() + off, buf_.size() - off);
      if (w < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
      }
      off += static_cast<std::size_t>(w);
    }
    buf_.clear();
  }

 private:
  static constexpr std::size_t kBuf = 1 << 20;
  void do_put(const void* p, std::size_t n) override {
    const auto* b = static_cast<const std::uint8_t*>(p);
    if (buf_.size() + n > kBuf) flush();
    if (n >= kBuf) {  // large tensor data goes straight through
      buf_.assign(b, b + n);
      flush();
      return;
    }
    buf_.insert(buf_.end(), b, b + n);
  }
  int fd_;
  std::string path_;
  std::vector<std::uint8_t> buf_;
};

void put_value(GgufWriter::Sink& s, const GgufValue& v) {
  s.put_le(static_cast<std::uint32_t>(v.type));
  switch (v.type) {
    case GgufType::string: s.put_string(v.str); return;
    case GgufType::array:
      s.put_le(static_cast<std::uint32_t>(v.elem));
      s.put_le<std::uint64_t>(v.count);
      if (v.elem == GgufType::string)
        for (const auto& e : v.strings) s.put_string(e);
      else
        s.put(v.raw.data(), v.raw.size());
      return;
    default: s.put(&v.bits, static_cast<std::size_t>(gguf_scalar_size(v.type)));  // the low bytes
  }
}

std::uint64_t padded(std::uint64_t n, std::uint64_t a) { return (n + a - 1) / a * a; }

}  // namespace

GgufWriter::GgufWriter(std::uint32_t alignment) : alignment_(alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    throw std::invalid_argument("GgufWriter: alignment " + std::to_string(alignment) + " is not a power of two");
}

void GgufWriter::set(const std::string& key, GgufValue value) {
  if (key.empty() || key.size() > 65535) throw std::invalid_argument("GgufWriter::set: key length out of 1..65535");
  if (key == "general.alignment")
    throw std::invalid_argument("GgufWriter::set: general.alignment follows the constructor's alignment");
  if (value.type == GgufType::array) {
    const bool consistent =
        value.elem == GgufType::string
            ? value.strings.size() == value.count
            : value.elem != GgufType::array && value.raw.size() == value.count * gguf_scalar_size(value.elem);
    if (!consistent) throw std::invalid_argument("GgufWriter::set: array '" + key + "' is nested or inconsistent");
  }
  for (auto& kv : kvs_)
    if (kv.first == key) {
      kv.second = std::move(value);
      return;
    }
  kvs_.emplace_back(key, std::move(value));
}

void GgufWriter::add_tensor(std::string name, GgmlType type, std::vector<std::uint64_t> dims, Producer produce) {
  auto bad = [&](const std::string& why) { throw std::invalid_argument("GgufWriter: tensor '" + name + "': " + why); };
  if (name.empty() || name.size() > 64) bad("name length out of 1..64");
  for (const auto& t : tensors_)
    if (t.name == name) bad("added twice");
  if (dims.empty() || dims.size() > 4) bad("needs 1 to 4 dims");
  std::uint64_t n = 1;
  for (auto d : dims) {
    if (d == 0) bad("has a zero dim");
    n *= d;
  }
  if (dims[0] % block_elements(type) != 0) bad("dims[0] is not a multiple of the block size");
  tensors_.push_back(
      {std::move(name), type, std::move(dims), n / block_elements(type) * block_bytes(type), std::move(produce)});
}

void GgufWriter::add_tensor(std::string name, GgmlType type, std::vector<std::uint64_t> dims,
                            std::vector<std::uint8_t> bytes) {
  auto shared = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
  add_tensor(std::move(name), type, std::move(dims), [shared] { return *shared; });
}

std::uint64_t GgufWriter::tensor_data_bytes() const {
  std::uint64_t sum = 0;
  for (const auto& t : tensors_) sum += t.bytes;
  return sum;
}

std::uint64_t GgufWriter::file_size() const {
  CountingSink header;
  emit_header(header);
  std::uint64_t size = padded(header.pos(), alignment_);
  for (const auto& t : tensors_) size += padded(t.bytes, alignment_);
  return size;
}

void GgufWriter::emit_header(Sink& s) const {
  const bool custom_alignment = alignment_ != 32;
  s.put("GGUF", 4);
  s.put_le<std::uint32_t>(3);
  s.put_le<std::uint64_t>(tensors_.size());
  s.put_le<std::uint64_t>(kvs_.size() + (custom_alignment ? 1 : 0));
  for (const auto& [key, value] : kvs_) {
    s.put_string(key);
    put_value(s, value);
  }
  if (custom_alignment) {
    s.put_string("general.alignment");
    put_value(s, GgufValue::u32(alignment_));
  }
  std::uint64_t offset = 0;
  for (const auto& t : tensors_) {
    s.put_string(t.name);
    s.put_le<std::uint32_t>(static_cast<std::uint32_t>(t.dims.size()));
    for (auto d : t.dims) s.put_le<std::uint64_t>(d);
    s.put_le(static_cast<std::uint32_t>(t.type));
    s.put_le<std::uint64_t>(offset);
    offset += padded(t.bytes, alignment_);
  }
}

void GgufWriter::emit(Sink& s) const {
  emit_header(s);
  s.pad_to(alignment_);
  for (const auto& t : tensors_) {
    const std::vector<std::uint8_t> bytes = t.produce();
    if (bytes.size() != t.bytes)
      throw std::logic_error("GgufWriter: tensor '" + t.name + "' produced " + std::to_string(bytes.size()) +
                             " bytes, expected " + std::to_string(t.bytes));
    s.put(bytes.data(), bytes.size());
    s.pad_to(alignment_);
  }
}

std::vector<std::uint8_t> GgufWriter::to_bytes() const {
  VectorSink s;
  emit(s);
  return std::move(s.bytes);
}

void GgufWriter::write(const std::string& path) const {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
    throw InputError(path + ": directory '" + dir.string() + "' does not exist");
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(path + ": cannot create " + tmp + " (" + std::strerror(errno) + ")");
  try {
    FileSink sink(fd, tmp);
    emit(sink);
    sink.flush();
    if (::fsync(fd) != 0) throw std::runtime_error("cannot fsync " + tmp + ": " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot close " + tmp + ": " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(err));
  }
}

}  // namespace sb::llm
