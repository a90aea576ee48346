#include "stratbench/workloads/llm/reference_cache.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/result.hpp"

namespace sb::llm {

std::string reference_cache_dir() {
  if (const char* d = std::getenv("STRATBENCH_CACHE_DIR"); d && *d) return std::string(d) == "off" ? "" : d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/stratbench";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/stratbench";
  return {};
}

std::string file_hash_hex(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot be read");
  // Eight bytes at a time through a multiply-xorshift mix: a few GB/s, so hashing a 4 GB
  // model costs about a second, against the minutes of the run it saves.
  std::uint64_t h = 0x9e3779b97f4a7c15ull;
  std::vector<char> buf(1 << 20);
  std::uint64_t total = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const std::size_t n = static_cast<std::size_t>(in.gcount());
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, buf.data() + i, 8);
      h = (h ^ w) * 0xff51afd7ed558ccdull;
      h ^= h >> 32;
    }
    for (; i < n; ++i) h = (h ^ static_cast<unsigned char>(buf[i])) * 0x100000001b3ull;
    total += n;
  }
  h ^= total;
  h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

namespace {

constexpr char kMagic[8] = {'S', 'B', 'R', 'E', 'F', '0', '0', '1'};

std::string path_of(const std::string& dir, const std::string& key) {
  return dir + "/reference-" + stable_hash_hex(key) + ".bin";
}

template <class T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

struct Reader {
  const std::string& s;
  std::size_t at = 0;
  template <class T>
  bool get(T& v) {
    if (s.size() - at < sizeof v) return false;
    std::memcpy(&v, s.data() + at, sizeof v);
    at += sizeof v;
    return true;
  }
};

}  // namespace

std::optional<ReferenceRun> load_reference(const std::string& key) {
  const std::string dir = reference_cache_dir();
  if (dir.empty()) return std::nullopt;
  std::ifstream in(path_of(dir, key), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string s = ss.str();
  Reader r{s};
  char magic[8];
  std::uint64_t klen = 0;
  if (!r.get(magic) || std::memcmp(magic, kMagic, 8) != 0 || !r.get(klen) || klen != key.size() ||
      s.size() - r.at < klen || s.compare(r.at, klen, key) != 0)
    return std::nullopt;
  r.at += klen;
  std::uint32_t seqs = 0, steps = 0, vocab = 0;
  ReferenceRun run;
  if (!r.get(seqs) || !r.get(steps) || !r.get(vocab) || !r.get(run.ppl) || !r.get(run.ppl_scored)) return std::nullopt;
  // Sizes against what is left, before anything is allocated from them.
  const std::uint64_t need = (static_cast<std::uint64_t>(seqs) * steps) * (4 + static_cast<std::uint64_t>(vocab) * 4);
  if (seqs == 0 || steps == 0 || vocab == 0 || need != s.size() - r.at) return std::nullopt;
  run.tokens.assign(seqs, std::vector<int>(steps));
  for (auto& seq : run.tokens)
    for (int& t : seq) r.get(t);
  run.logits.assign(steps, std::vector<std::vector<float>>(seqs, std::vector<float>(vocab)));
  for (auto& step : run.logits)
    for (auto& row : step) {
      std::memcpy(row.data(), s.data() + r.at, vocab * sizeof(float));
      r.at += vocab * sizeof(float);
    }
  return run;
}

void store_reference(const std::string& key, const ReferenceRun& run) {
  const std::string dir = reference_cache_dir();
  if (dir.empty() || run.tokens.empty() || run.logits.empty() || run.logits[0].empty()) return;
  const auto seqs = static_cast<std::uint32_t>(run.tokens.size()),
             steps = static_cast<std::uint32_t>(run.logits.size()),
             vocab = static_cast<std::uint32_t>(run.logits[0][0].size());
  for (const auto& seq : run.tokens)
    if (seq.size() != steps) return;
  for (const auto& step : run.logits)
    if (step.size() != seqs) return;
  std::string out;
  out.append(kMagic, 8);
  put(out, static_cast<std::uint64_t>(key.size()));
  out += key;
  put(out, seqs), put(out, steps), put(out, vocab), put(out, run.ppl), put(out, run.ppl_scored);
  for (const auto& seq : run.tokens)
    for (int t : seq) put(out, t);
  for (const auto& step : run.logits)
    for (const auto& row : step) {
      if (row.size() != vocab) return;
      out.append(reinterpret_cast<const char*>(row.data()), row.size() * sizeof(float));
    }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = path_of(dir, key), tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f.write(out.data(), static_cast<std::streamsize>(out.size()))) return;
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace sb::llm
