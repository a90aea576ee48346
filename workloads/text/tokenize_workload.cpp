// The `tokenize` workload: one iteration reads the input file (read() into a buffer, or
// mmap) and encodes all of it. Throughput counts input bytes (MB/s); tokens/s comes with
// it as a counter.

#include <optional>

#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/text/bpe_encoder.hpp"
#include "stratbench/workloads/text/text_input.hpp"
#include "stratbench/workloads/text/text_workloads.hpp"

namespace sb {
namespace {

using text::Encoder;
using text::EncoderOptions;
using text::Encoding;
using text::MergeAlgo;

EncoderOptions encoder_options(const Strategy& s) {
  EncoderOptions o;
  o.merge = s.k.merge == Merge::heap ? MergeAlgo::heap : MergeAlgo::pairs;
  o.cache = s.k.piece_cache;
  return o;
}

class TokenizeInstance final : public Instance {
 public:
  TokenizeInstance(const Strategy& s, const Params& p)
      : enc_(Encoding::get(str_param(p, "encoding"))),
        opt_(encoder_options(s)),
        mmap_(s.k.io == Io::mmap),
        threads_(s.k.threads),
        chunk_(static_cast<std::size_t>(int_param(p, "chunk")) * 1024),
        path_(text::resolve_text_input(str_param(p, "input"))) {
    bytes_ = text::file_size(path_);
    if (bytes_ == 0) throw InputError(path_ + ": the input is empty; there is nothing to tokenize");
    if (!mmap_) buf_.reserve(bytes_);
  }

  void run_once() override {
    std::optional<text::MappedFile> map;
    std::string_view t;
    if (mmap_) {
      map.emplace(path_);
      t = map->view();
    } else {
      SB_RANGE(prof::Category::tokenizer, "read");
      text::read_file_into(path_, buf_, threads_);
      t = {buf_.data(), buf_.size()};
    }
    text::encode_parallel(enc_, opt_, t, threads_, chunk_, encoders_, chunk_ids_, ids_);
  }

  CheckResult check() override {
    run_once();
    CheckResult r;
    std::vector<char> whole;
    text::read_file_into(path_, whole);
    const std::string_view t(whole.data(), whole.size());
    // The reference is the other merge algorithm on one thread without the cache, so that
    // every strategy is checked against an independent implementation.
    EncoderOptions ref_opt;
    ref_opt.merge = opt_.merge == MergeAlgo::heap ? MergeAlgo::pairs : MergeAlgo::heap;
    Encoder ref(enc_, ref_opt);
    std::vector<std::uint32_t> want;
    ref.encode_ordinary(t, want);
    std::size_t first_diff = 0;
    while (first_diff < want.size() && first_diff < ids_.size() && want[first_diff] == ids_[first_diff]) ++first_diff;
    if (want.size() != ids_.size() || first_diff != want.size()) {
      r.detail = "ids differ from the one-thread " + std::string(ref_opt.merge == MergeAlgo::heap ? "heap" : "pairs") +
                 " reference at index " + std::to_string(first_diff) + " (" + std::to_string(ids_.size()) + " vs " +
                 std::to_string(want.size()) + " tokens)";
      return r;
    }
    if (enc_.decode(ids_) != t) {
      r.detail = "decode(encode(input)) differs from the input";
      return r;
    }
    r.ok = true;
    r.detail = std::to_string(ids_.size()) + " ids identical to the one-thread reference; decode round-trips";
    return r;
  }

  double work_per_iteration() const override { return static_cast<double>(bytes_); }

  std::map<std::string, double> counters() const override {
    return {{"bytes", static_cast<double>(bytes_)}, {"tokens_per_iter", static_cast<double>(ids_.size())}};
  }

 private:
  const Encoding& enc_;
  EncoderOptions opt_;
  bool mmap_;
  int threads_;
  std::size_t chunk_;
  std::string path_;
  std::size_t bytes_ = 0;
  std::vector<char> buf_;
  std::vector<Encoder> encoders_;
  std::vector<std::vector<std::uint32_t>> chunk_ids_;
  std::vector<std::uint32_t> ids_;
};

class TokenizeWorkload final : public Workload {
 public:
  const WorkloadInfo& info() const override {
    static const WorkloadInfo i{
        .name = "tokenize",
        .description = "byte-level BPE encoding (tiktoken-exact) of a text file; MB/s of input, tokens/s as a counter",
        .params = {{.name = "encoding",
                    .help = "gpt2 or cl100k_base",
                    .default_value = "gpt2",
                    .choices = {"gpt2", "cl100k_base"}},
                   {.name = "input",
                    .help = "sample, corpus (built by setup) or a file path",
                    .default_value = "sample",
                    .free_text = true},
                   {.name = "chunk",
                    .help = "KiB of text per task when threads > 1 (cut at safe split points)",
                    .default_value = "256",
                    .min = 4,
                    .max = 1 << 20}},
        .knobs = {"threads", "merge", "piece_cache", "io"},
        .throughput_unit = "MB/s",
        .throughput_scale = 1e-6,
    };
    return i;
  }

  std::unique_ptr<Instance> prepare(const Strategy& s, const Params& p, const std::string&) const override {
    return std::make_unique<TokenizeInstance>(s, p);
  }
};

}  // namespace

std::unique_ptr<Workload> make_tokenize_workload() { return std::make_unique<TokenizeWorkload>(); }

}  // namespace sb
