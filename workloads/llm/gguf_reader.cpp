// The GGUF reader: every count, length and offset is checked against the bytes that remain
// before it is used, so hostile files fail fast with the field and byte named.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <numeric>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/gguf.hpp"

namespace sb::llm {

struct GgufFile::Mapping {
  void* addr = nullptr;
  std::size_t size = 0;
  Mapping(void* a, std::size_t s) : addr(a), size(s) {}
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (addr) ::munmap(addr, size);
  }
};

GgufFile::GgufFile(GgufFile&&) noexcept = default;
GgufFile& GgufFile::operator=(GgufFile&&) noexcept = default;
GgufFile::~GgufFile() = default;

namespace {

// Smallest encodings, used to bound counts by the bytes left before anything is reserved:
// a kv is a key length (8), a key of at least one byte, a value type (4) and a value of
// at least one byte; a tensor info is a name length (8), one name byte, n_dims (4), one
// dim (8), a type (4) and an offset (8).
constexpr std::uint64_t kMinKvBytes = 8 + 1 + 4 + 1;
constexpr std::uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;
constexpr std::uint64_t kMaxKeyBytes = 65535;  // the spec's limit
constexpr std::uint64_t kMaxNameBytes = 64;    // the spec's limit for tensor names
constexpr std::uint32_t kMaxDims = 4;
// Reserving more than this up front could turn a large count into a large allocation;
// beyond it, vectors grow with what has really been parsed.
constexpr std::uint64_t kMaxReserve = 4096;

// Keys and names in messages: what the file says, made printable and kept short.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 80) out += "...";
  return out;
}

class Cursor {
 public:
  Cursor(const std::string& file, std::span<const std::uint8_t> bytes) : file_(file), bytes_(bytes) {}

  std::uint64_t pos() const { return pos_; }
  std::uint64_t remaining() const { return bytes_.size() - pos_; }
  std::uint64_t size() const { return bytes_.size(); }

  [[noreturn]] void fail(const std::string& field, std::uint64_t at, const std::string& problem) const {
    throw InputError(file_ + ": " + field + " (byte " + std::to_string(at) + "): " + problem);
  }

  void need(std::uint64_t n, const std::string& field) const {
    if (n > remaining())
      fail(field, pos_,
           "needs " + std::to_string(n) + " bytes but only " + std::to_string(remaining()) + " remain (the file is " +
               std::to_string(size()) + " bytes)");
  }

  const std::uint8_t* take(std::uint64_t n, const std::string& field) {
    need(n, field);
    const std::uint8_t* p = bytes_.data() + pos_;
    pos_ += n;
    return p;
  }

  template <class T>
  T read(const std::string& field) {
    T v;
    std::memcpy(&v, take(sizeof(T), field), sizeof(T));
    return v;
  }

  // A length-prefixed string whose length may not exceed `max_len` nor the bytes left.
  std::string string(const std::string& field, std::uint64_t max_len) {
    const std::uint64_t at = pos_;
    const auto len = read<std::uint64_t>(field + " length");
    if (len > max_len)
      fail(field + " length", at, "length " + std::to_string(len) + " exceeds " + std::to_string(max_len));
    if (len > remaining())
      fail(field + " length", at,
           "length " + std::to_string(len) + " runs past the end of the file (" + std::to_string(remaining()) +
               " bytes remain)");
    const std::uint8_t* p = take(len, field);
    return std::string(reinterpret_cast<const char*>(p), len);
  }

 private:
  const std::string& file_;
  std::span<const std::uint8_t> bytes_;
  std::uint64_t pos_ = 0;
};

bool valid_value_type(std::uint32_t t) { return t <= static_cast<std::uint32_t>(GgufType::f64); }

// A scalar, string or (flat) array value of type `type`; `field` names it in errors.
GgufValue read_value(Cursor& c, GgufType type, const std::string& field) {
  GgufValue v;
  v.type = type;
  if (type == GgufType::string) {
    v.str = c.string(field + " string", std::numeric_limits<std::uint64_t>::max());
    return v;
  }
  if (type != GgufType::array) {
    const std::uint64_t at = c.pos();
    const std::uint64_t n = gguf_scalar_size(type);
    std::memcpy(&v.bits, c.take(n, field + " value"), n);  // little-endian host: low bytes
    if (type == GgufType::boolean && v.bits > 1)
      c.fail(field + " value", at, "a bool must be 0 or 1, found " + std::to_string(v.bits));
    return v;
  }
  const std::uint64_t type_at = c.pos();
  const auto elem = c.read<std::uint32_t>(field + " array type");
  if (elem == static_cast<std::uint32_t>(GgufType::array))
    c.fail(field + " array type", type_at, "nested arrays are not supported");
  if (!valid_value_type(elem)) c.fail(field + " array type", type_at, "unknown value type " + std::to_string(elem));
  v.elem = static_cast<GgufType>(elem);
  const std::uint64_t len_at = c.pos();
  v.count = c.read<std::uint64_t>(field + " array length");
  const std::uint64_t min_size = v.elem == GgufType::string ? 8 : gguf_scalar_size(v.elem);
  if (v.count > c.remaining() / min_size)
    c.fail(field + " array length", len_at,
           std::to_string(v.count) + " elements of " + to_string(v.elem) + " need at least " +
               (v.count > std::numeric_limits<std::uint64_t>::max() / min_size ? std::string("2^64")
                                                                               : std::to_string(v.count * min_size)) +
               " bytes, but only " + std::to_string(c.remaining()) + " remain");
  if (v.elem != GgufType::string) {
    const std::uint64_t at = c.pos();
    const std::uint8_t* p = c.take(v.count * min_size, field + " array data");
    v.raw.assign(p, p + v.count * min_size);
    if (v.elem == GgufType::boolean)
      for (std::uint64_t j = 0; j < v.count; ++j)
        if (p[j] > 1)
          c.fail(field + "[" + std::to_string(j) + "]", at + j, "a bool must be 0 or 1, found " + std::to_string(p[j]));
    return v;
  }
  v.strings.reserve(std::min(v.count, kMaxReserve));
  for (std::uint64_t j = 0; j < v.count; ++j) {
    // The element's field name is built only when it is needed, for an error: a
    // vocabulary has tens of thousands of elements.
    const std::uint64_t at = c.pos();
    if (c.remaining() < 8) c.need(8, field + "[" + std::to_string(j) + "] string length");
    std::uint64_t len;
    std::memcpy(&len, c.take(8, field), 8);
    if (len > c.remaining())
      c.fail(field + "[" + std::to_string(j) + "] string length", at,
             "length " + std::to_string(len) + " runs past the end of the file (" + std::to_string(c.remaining()) +
                 " bytes remain)");
    const std::uint8_t* s = c.take(len, field);
    v.strings.emplace_back(reinterpret_cast<const char*>(s), len);
  }
  return v;
}

}  // namespace

GgufFile GgufFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot open file (" + std::strerror(errno) + ")");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(path + ": not a regular file");
  }
  GgufFile f;
  f.name_ = path;
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size > 0) {
    void* addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      throw InputError(path + ": cannot map file (" + std::strerror(err) + ")");
    }
    f.mapping_ = std::make_unique<Mapping>(addr, size);
    f.bytes_ = {static_cast<const std::uint8_t*>(addr), size};
  }
  ::close(fd);  // the mapping keeps the file's pages
  f.parse();
  return f;
}

void GgufFile::drop_resident_pages() const {
  if (mapping_) ::madvise(mapping_->addr, mapping_->size, MADV_DONTNEED);  // a hint: failure changes nothing
}

GgufFile GgufFile::from_memory(std::span<const std::uint8_t> bytes, std::string name) {
  GgufFile f;
  f.name_ = std::move(name);
  f.bytes_ = bytes;
  f.parse();
  return f;
}

void GgufFile::parse() {
  Cursor c(name_, bytes_);

  // ---- header
  if (bytes_.size() < 4)
    c.fail("magic", 0, "the file is " + std::to_string(bytes_.size()) + " bytes, too short for a GGUF header");
  if (std::memcmp(bytes_.data(), "GGUF", 4) != 0) {
    std::string found;
    for (int i = 0; i < 4; ++i) {
      const char ch = static_cast<char>(bytes_[i]);
      found += (ch >= 0x20 && ch < 0x7f) ? std::string(1, ch) : "\\x" + std::to_string(bytes_[i]);
    }
    c.fail("magic", 0, "expected \"GGUF\", found \"" + found + "\": not a GGUF file");
  }
  c.take(4, "magic");
  version_ = c.read<std::uint32_t>("version");
  if (version_ != 2 && version_ != 3) {
    const std::uint32_t swapped = __builtin_bswap32(version_);
    if (swapped >= 1 && swapped <= 3) c.fail("version", 4, "a big-endian GGUF file: not supported");
    c.fail("version", 4, "GGUF version " + std::to_string(version_) + " is not supported (2 and 3 are)");
  }
  const auto tensor_count = c.read<std::uint64_t>("tensor_count");
  const auto kv_count = c.read<std::uint64_t>("kv_count");
  if (tensor_count > c.remaining() / kMinTensorInfoBytes)
    c.fail("tensor_count", 8,
           std::to_string(tensor_count) + " tensors cannot fit: each tensor info takes at least " +
               std::to_string(kMinTensorInfoBytes) + " bytes and only " + std::to_string(c.remaining()) +
               " bytes follow the header");
  if (kv_count > c.remaining() / kMinKvBytes)
    c.fail("kv_count", 16,
           std::to_string(kv_count) + " key/value pairs cannot fit: each takes at least " +
               std::to_string(kMinKvBytes) + " bytes and only " + std::to_string(c.remaining()) +
               " bytes follow the header");
  if (kv_count * kMinKvBytes + tensor_count * kMinTensorInfoBytes > c.remaining())
    c.fail("kv_count", 16,
           std::to_string(kv_count) + " key/value pairs and " + std::to_string(tensor_count) +
               " tensor infos cannot fit in the " + std::to_string(c.remaining()) + " bytes after the header");

  // ---- metadata
  kvs_.reserve(std::min(kv_count, kMaxReserve));
  for (std::uint64_t i = 0; i < kv_count; ++i) {
    const std::uint64_t at = c.pos();
    const std::string idx = "kv[" + std::to_string(i) + "]";
    std::string key = c.string(idx + " key", kMaxKeyBytes);
    if (key.empty()) c.fail(idx + " key", at, "empty key");
    const std::string field = idx + " '" + printable(key) + "'";
    if (auto it = kv_index_.find(key); it != kv_index_.end())
      c.fail(field, at, "duplicate key (first at kv[" + std::to_string(it->second) + "])");
    const std::uint64_t type_at = c.pos();
    const auto type = c.read<std::uint32_t>(field + " value type");
    if (!valid_value_type(type)) c.fail(field + " value type", type_at, "unknown value type " + std::to_string(type));
    GgufValue v = read_value(c, static_cast<GgufType>(type), field);
    if (key == "general.alignment") {
      if (v.type != GgufType::u32) c.fail(field, at, std::string("must be uint32, found ") + to_string(v.type));
      if (v.bits == 0 || (v.bits & (v.bits - 1)) != 0)
        c.fail(field, at, "alignment " + std::to_string(v.bits) + " is not a power of two");
      alignment_ = v.bits;
    }
    kv_index_.emplace(key, kvs_.size());
    kv_at_.push_back(at);
    kvs_.emplace_back(std::move(key), std::move(v));
  }

  // ---- tensor infos
  std::vector<std::uint64_t> offset_at;  // where each tensor's offset field is, for errors
  tensors_.reserve(std::min(tensor_count, kMaxReserve));
  for (std::uint64_t t = 0; t < tensor_count; ++t) {
    const std::string idx = "tensor_info[" + std::to_string(t) + "]";
    const std::uint64_t at = c.pos();
    GgufTensor ti;
    ti.name = c.string(idx + ".name", kMaxNameBytes);
    if (ti.name.empty()) c.fail(idx + ".name", at, "empty tensor name");
    if (auto it = tensor_index_.find(ti.name); it != tensor_index_.end())
      c.fail(idx + ".name", at,
             "duplicate tensor name '" + printable(ti.name) + "' (first at tensor_info[" + std::to_string(it->second) +
                 "])");
    const std::uint64_t dims_at = c.pos();
    const auto n_dims = c.read<std::uint32_t>(idx + ".n_dims");
    if (n_dims < 1 || n_dims > kMaxDims)
      c.fail(idx + ".n_dims", dims_at, "n_dims " + std::to_string(n_dims) + " is not in 1..4");
    std::uint64_t elements = 1;
    for (std::uint32_t k = 0; k < n_dims; ++k) {
      const std::string f = idx + ".dims[" + std::to_string(k) + "]";
      const std::uint64_t d_at = c.pos();
      const auto d = c.read<std::uint64_t>(f);
      if (d == 0) c.fail(f, d_at, "dimension is 0 in tensor '" + printable(ti.name) + "'");
      // ggml counts elements in int64_t.
      if (d > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / elements)
        c.fail(f, d_at, "the product of the dimensions of tensor '" + printable(ti.name) + "' overflows int64");
      elements *= d;
      ti.dims.push_back(d);
    }
    const std::uint64_t type_at = c.pos();
    const auto type = c.read<std::uint32_t>(idx + ".type");
    if (!is_supported_ggml_type(type))
      c.fail(idx + ".type", type_at,
             "unsupported tensor type " + std::to_string(type) + " in tensor '" + printable(ti.name) +
                 "' (supported: F32, F16, Q4_0, Q8_0, BF16)");
    ti.type = static_cast<GgmlType>(type);
    const std::uint64_t blk = block_elements(ti.type);
    if (ti.dims[0] % blk != 0)
      c.fail(idx + ".dims[0]", dims_at + 4,
             "dims[0] = " + std::to_string(ti.dims[0]) + " of tensor '" + printable(ti.name) +
                 "' is not a multiple of the " + to_string(ti.type) + " block of " + std::to_string(blk));
    // Elements fit in int64, but F32 takes 4 bytes each: 2^62 elements would wrap a
    // uint64 byte count into something small that passes the range check below.
    if (elements / blk > std::numeric_limits<std::uint64_t>::max() / block_bytes(ti.type))
      c.fail(idx + ".dims", dims_at + 4,
             "the byte size of tensor '" + printable(ti.name) + "' (" + std::to_string(elements) + " " +
                 to_string(ti.type) + " elements) overflows uint64");
    ti.bytes = elements / blk * block_bytes(ti.type);
    const std::uint64_t off_at = c.pos();
    ti.offset = c.read<std::uint64_t>(idx + ".offset");
    if (ti.offset % alignment_ != 0)
      c.fail(idx + ".offset", off_at,
             "offset " + std::to_string(ti.offset) + " of tensor '" + printable(ti.name) +
                 "' is not a multiple of the alignment " + std::to_string(alignment_));
    tensor_index_.emplace(ti.name, tensors_.size());
    offset_at.push_back(off_at);
    tensors_.push_back(std::move(ti));
  }

  // ---- tensor data: the section starts at the next multiple of the alignment
  // (pos <= file size < 2^63 and alignment < 2^32: no overflow).
  data_offset_ = (c.pos() + alignment_ - 1) / alignment_ * alignment_;
  if (tensors_.empty()) return;
  if (data_offset_ > bytes_.size())
    c.fail("tensor data", c.pos(),
           "the data section would start at byte " + std::to_string(data_offset_) + ", past the end of the file (" +
               std::to_string(bytes_.size()) + " bytes)");
  const std::uint64_t data_size = bytes_.size() - data_offset_;
  for (std::size_t t = 0; t < tensors_.size(); ++t) {
    GgufTensor& ti = tensors_[t];
    if (ti.offset > data_size || ti.bytes > data_size - ti.offset)
      c.fail("tensor_info[" + std::to_string(t) + "].offset", offset_at[t],
             "tensor '" + printable(ti.name) + "' needs bytes " + std::to_string(ti.offset) + ".." +
                 std::to_string(ti.offset) + "+" + std::to_string(ti.bytes) + " of the data section, which has " +
                 std::to_string(data_size) + " bytes (starting at byte " + std::to_string(data_offset_) + ")");
    ti.data = bytes_.data() + data_offset_ + ti.offset;
  }
  // Two tensors sharing bytes would alias each other's weights: refuse.
  std::vector<std::size_t> order(tensors_.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return tensors_[a].offset < tensors_[b].offset; });
  for (std::size_t k = 1; k < order.size(); ++k) {
    const GgufTensor& prev = tensors_[order[k - 1]];
    const GgufTensor& cur = tensors_[order[k]];
    if (prev.offset + prev.bytes > cur.offset)
      c.fail("tensor_info[" + std::to_string(order[k]) + "].offset", offset_at[order[k]],
             "tensor '" + printable(cur.name) + "' at offset " + std::to_string(cur.offset) + " overlaps tensor '" +
                 printable(prev.name) + "' (offset " + std::to_string(prev.offset) + ", " + std::to_string(prev.bytes) +
                 " bytes)");
  }
}

// ---- accessors -----------------------------------------------------------------------

const GgufValue* GgufFile::find(std::string_view key) const {
  auto it = kv_index_.find(std::string(key));
  return it == kv_index_.end() ? nullptr : &kvs_[it->second].second;
}

void GgufFile::key_error(std::string_view key, const std::string& problem) const {
  auto it = kv_index_.find(std::string(key));
  if (it == kv_index_.end()) throw InputError(name_ + ": metadata key '" + std::string(key) + "' " + problem);
  throw InputError(name_ + ": kv[" + std::to_string(it->second) + "] '" + std::string(key) + "' (byte " +
                   std::to_string(kv_at_[it->second]) + ") " + problem);
}

const GgufValue& GgufFile::require(std::string_view key) const {
  const GgufValue* v = find(key);
  if (!v) key_error(key, "is missing");
  return *v;
}

std::string GgufFile::get_string(std::string_view key) const {
  const GgufValue& v = require(key);
  if (v.type != GgufType::string) key_error(key, std::string("is ") + to_string(v.type) + ", expected string");
  return v.str;
}

std::uint64_t GgufFile::get_u64(std::string_view key) const {
  const GgufValue& v = require(key);
  if (!v.is_integer()) key_error(key, std::string("is ") + to_string(v.type) + ", expected an integer");
  if (v.is_negative()) key_error(key, "is negative (" + std::to_string(v.as_i64()) + ")");
  return v.as_u64();
}

std::uint32_t GgufFile::get_u32(std::string_view key) const {
  const std::uint64_t x = get_u64(key);
  if (x > std::numeric_limits<std::uint32_t>::max())
    key_error(key, "value " + std::to_string(x) + " does not fit in uint32");
  return static_cast<std::uint32_t>(x);
}

float GgufFile::get_f32(std::string_view key) const {
  const GgufValue& v = require(key);
  if (v.type != GgufType::f32 && v.type != GgufType::f64)
    key_error(key, std::string("is ") + to_string(v.type) + ", expected float32");
  return static_cast<float>(v.as_f64());
}

bool GgufFile::get_bool(std::string_view key) const {
  const GgufValue& v = require(key);
  if (v.type != GgufType::boolean) key_error(key, std::string("is ") + to_string(v.type) + ", expected bool");
  return v.bits != 0;
}

const GgufValue& GgufFile::get_array(std::string_view key, GgufType elem) const {
  const GgufValue& v = require(key);
  if (v.type != GgufType::array) key_error(key, std::string("is ") + to_string(v.type) + ", expected an array");
  if (v.elem != elem)
    key_error(key, std::string("is an array of ") + to_string(v.elem) + ", expected " + to_string(elem));
  return v;
}

const std::vector<std::string>& GgufFile::get_string_array(std::string_view key) const {
  return get_array(key, GgufType::string).strings;
}

std::vector<float> GgufFile::get_f32_array(std::string_view key) const {
  const GgufValue& v = get_array(key, GgufType::f32);
  std::vector<float> out(v.count);
  if (!out.empty()) std::memcpy(out.data(), v.raw.data(), v.raw.size());
  return out;
}

std::vector<std::int32_t> GgufFile::get_i32_array(std::string_view key) const {
  const GgufValue& v = get_array(key, GgufType::i32);
  std::vector<std::int32_t> out(v.count);
  if (!out.empty()) std::memcpy(out.data(), v.raw.data(), v.raw.size());
  return out;
}

const GgufTensor* GgufFile::find_tensor(std::string_view name) const {
  auto it = tensor_index_.find(std::string(name));
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const GgufTensor& GgufFile::tensor(std::string_view name) const {
  const GgufTensor* t = find_tensor(name);
  if (!t) throw InputError(name_ + ": tensor '" + std::string(name) + "' is missing");
  return *t;
}

}  // namespace sb::llm
