// GGUF model files (ggml's docs/gguf.md): a header, typed metadata key/value pairs, tensor
// infos, then the aligned tensor data. Version 3 is read and written; version 2 (the same
// layout) is read too. Little-endian only: a big-endian file is refused by name.
//
// The reader treats every file as hostile. Each count, length, offset and size is checked
// against the bytes that remain before anything is allocated or read, so a lying header
// fails at once with an InputError that names the file, the field and its byte offset:
//   "m.gguf: tensor_info[3].offset (byte 1234): tensor 'blk.0.attn_k.weight' needs bytes
//    4096..4096+288 of the data section, which has 4200 bytes (starting at byte 2048)"
//   "m.gguf: kv[12] 'tokenizer.ggml.tokens' array length (byte 777): ..."
// Counts are bounded by the bytes left (a kv_count of 2^60 fails before any allocation),
// dims products by int64 and byte sizes by uint64, tensor ranges by the data section;
// tensors must be aligned, may not overlap, and names and keys may not repeat.
// Tensor data is not copied: a tensor view points into the mapped file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sb::llm {

// ---- tensor types --------------------------------------------------------------------
// ggml's type numbers for the storage types this project reads and writes.
enum class GgmlType : std::uint32_t { f32 = 0, f16 = 1, q4_0 = 2, q8_0 = 8, bf16 = 30 };

// false for every ggml type number this project does not support (Q4_1, K-quants, ...).
bool is_supported_ggml_type(std::uint32_t t);
const char* to_string(GgmlType t);  // ggml's names: "F32", "F16", "Q4_0", "Q8_0", "BF16"
// Elements per block (1 for float types, 32 for Q8_0/Q4_0) and bytes per block.
std::uint64_t block_elements(GgmlType t);
std::uint64_t block_bytes(GgmlType t);

// ---- metadata values -----------------------------------------------------------------
enum class GgufType : std::uint32_t {
  u8 = 0,
  i8 = 1,
  u16 = 2,
  i16 = 3,
  u32 = 4,
  i32 = 5,
  f32 = 6,
  boolean = 7,
  string = 8,
  array = 9,
  u64 = 10,
  i64 = 11,
  f64 = 12,
};
const char* to_string(GgufType t);  // "uint32", "string", "array", ...

// One metadata value. Scalars keep their bits as stored (zero-extended to 64 bits);
// numeric arrays keep their elements as the file's little-endian bytes, so an array
// costs what it costs in the file. Arrays of arrays are refused by the reader and the
// writer: no model file uses them.
struct GgufValue {
  GgufType type = GgufType::u8;
  std::uint64_t bits = 0;            // scalars
  std::string str;                   // string
  GgufType elem = GgufType::u8;      // array element type
  std::uint64_t count = 0;           // array length
  std::vector<std::uint8_t> raw;     // array of numbers or bools: count * element size bytes
  std::vector<std::string> strings;  // array of strings

  static GgufValue u32(std::uint32_t v);
  static GgufValue i32(std::int32_t v);
  static GgufValue u64(std::uint64_t v);
  static GgufValue f32(float v);
  static GgufValue boolean(bool v);
  static GgufValue string(std::string v);
  static GgufValue string_array(std::vector<std::string> v);
  static GgufValue f32_array(std::span<const float> v);
  static GgufValue i32_array(std::span<const std::int32_t> v);
  // Any scalar type from its bits (tests, generic copies).
  static GgufValue scalar(GgufType t, std::uint64_t bits);

  bool is_integer() const;       // u8..u64, i8..i64
  bool is_negative() const;      // a signed integer below zero
  std::uint64_t as_u64() const;  // integer types; check is_negative() first
  std::int64_t as_i64() const;   // integer types; a u64 above INT64_MAX wraps: check first
  double as_f64() const;         // f32 and f64
  // A short rendering for `model info`: numbers, quoted strings, "[32000 strings]".
  std::string describe() const;
};

// Bytes one element of a scalar type takes (0 for string and array).
std::uint64_t gguf_scalar_size(GgufType t);

// ---- tensors -------------------------------------------------------------------------
// dims follow ggml: dims[0] (ne0) is the contiguous dimension. A matrix with dims
// {in, out} is stored as `out` rows of `in` values: W[o][i] at o * in + i, the layout of
// a PyTorch Linear weight [out, in]; y = W x reads one row per output.
struct GgufTensor {
  std::string name;
  GgmlType type = GgmlType::f32;
  std::vector<std::uint64_t> dims;
  std::uint64_t offset = 0;            // relative to the data section (as in the file)
  const std::uint8_t* data = nullptr;  // into the mapping; valid while the GgufFile lives
  std::uint64_t bytes = 0;

  std::uint64_t elements() const;
  std::span<const std::uint8_t> span() const { return {data, static_cast<std::size_t>(bytes)}; }
};

// ---- reader --------------------------------------------------------------------------
class GgufFile {
 public:
  // Maps the file read-only (RAII: unmapped when the GgufFile goes). InputError when the
  // file is missing, unreadable or invalid. A file changed by someone else while mapped
  // is beyond any reader's defence (SIGBUS on truncation).
  static GgufFile open(const std::string& path);
  // Parses bytes that the caller keeps alive and unchanged for the GgufFile's lifetime;
  // `name` stands for the file in error messages. The fuzz target's entry point.
  static GgufFile from_memory(std::span<const std::uint8_t> bytes, std::string name = "<memory>");

  GgufFile(GgufFile&&) noexcept;
  GgufFile& operator=(GgufFile&&) noexcept;
  ~GgufFile();

  const std::string& name() const { return name_; }
  std::uint32_t version() const { return version_; }
  std::uint64_t alignment() const { return alignment_; }
  std::uint64_t file_size() const { return bytes_.size(); }
  std::uint64_t data_offset() const { return data_offset_; }  // absolute start of tensor data

  // Metadata in file order.
  const std::vector<std::pair<std::string, GgufValue>>& metadata() const { return kvs_; }
  const GgufValue* find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }
  // Typed getters: InputError naming the file and key when the key is missing or of the
  // wrong type. Integer getters accept any integer type whose value fits (writers differ
  // in uint32 vs uint64 for counts: the spec asks readers to take both); get_f32 takes
  // float32 or float64.
  std::string get_string(std::string_view key) const;
  std::uint32_t get_u32(std::string_view key) const;
  std::uint64_t get_u64(std::string_view key) const;
  float get_f32(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  const GgufValue& get_array(std::string_view key, GgufType elem) const;
  const std::vector<std::string>& get_string_array(std::string_view key) const;
  std::vector<float> get_f32_array(std::string_view key) const;
  std::vector<std::int32_t> get_i32_array(std::string_view key) const;

  // Tensors in file order.
  const std::vector<GgufTensor>& tensors() const { return tensors_; }

  // Drops the mapped file's pages from this process's resident set (they stay in the page
  // cache, and a later read maps them back in). For a caller that has copied what it needs:
  // otherwise a loaded model counts its file a second time in the peak RSS. No-op for
  // from_memory.
  void drop_resident_pages() const;
  const GgufTensor* find_tensor(std::string_view name) const;
  const GgufTensor& tensor(std::string_view name) const;  // InputError when missing

 private:
  struct Mapping;
  GgufFile() = default;
  void parse();
  const GgufValue& require(std::string_view key) const;
  [[noreturn]] void key_error(std::string_view key, const std::string& problem) const;

  std::string name_;
  std::unique_ptr<Mapping> mapping_;  // null for from_memory
  std::span<const std::uint8_t> bytes_;
  std::uint32_t version_ = 0;
  std::uint64_t alignment_ = 32;
  std::uint64_t data_offset_ = 0;
  std::vector<std::pair<std::string, GgufValue>> kvs_;
  std::unordered_map<std::string, std::size_t> kv_index_;
  std::vector<std::uint64_t> kv_at_;  // byte offset of each kv, for messages
  std::vector<GgufTensor> tensors_;
  std::unordered_map<std::string, std::size_t> tensor_index_;
};

// ---- writer --------------------------------------------------------------------------
// Builds a GGUF v3 file from metadata and tensors already in their storage type. Tensors
// are laid out in the order added, each at the next multiple of the alignment, as ggml
// itself lays them out (llama.cpp's loader insists on that order-of-declaration layout).
// Tensor bytes may come from a producer called when write() reaches the tensor, so that a
// model larger than memory streams through one tensor at a time.
class GgufWriter {
 public:
  using Producer = std::function<std::vector<std::uint8_t>()>;

  // alignment: a power of two; other than 32 it is recorded as general.alignment.
  explicit GgufWriter(std::uint32_t alignment = 32);

  // Keys keep the order of their first set(); setting a key again replaces its value.
  // std::invalid_argument for an empty key, general.alignment (use the constructor) or a
  // nested array.
  void set(const std::string& key, GgufValue value);
  // std::invalid_argument for an empty, over-long (> 64 bytes) or repeated name, 0 or
  // more than 4 dims, a zero dim, or dims[0] not a multiple of the type's block.
  void add_tensor(std::string name, GgmlType type, std::vector<std::uint64_t> dims, Producer produce);
  void add_tensor(std::string name, GgmlType type, std::vector<std::uint64_t> dims, std::vector<std::uint8_t> bytes);

  std::size_t tensor_count() const { return tensors_.size(); }
  std::uint64_t tensor_data_bytes() const;  // sum of tensor sizes, padding excluded
  std::uint64_t file_size() const;

  // Temp file in the same directory, fsync, rename: a reader never sees half a file, and a
  // failure (InputError for a missing directory, std::runtime_error for I/O) leaves none.
  // std::logic_error when a producer returns the wrong number of bytes.
  void write(const std::string& path) const;
  std::vector<std::uint8_t> to_bytes() const;  // the same bytes, in memory

  class Sink;  // where the bytes go (file, memory); defined in gguf_writer.cpp

 private:
  struct Tensor {
    std::string name;
    GgmlType type;
    std::vector<std::uint64_t> dims;
    std::uint64_t bytes;
    Producer produce;
  };
  void emit_header(Sink& sink) const;  // header, metadata, tensor infos
  void emit(Sink& sink) const;

  std::uint32_t alignment_;
  std::vector<std::pair<std::string, GgufValue>> kvs_;
  std::vector<Tensor> tensors_;
};

}  // namespace sb::llm
