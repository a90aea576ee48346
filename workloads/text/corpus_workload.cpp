// The `corpus` workload: one iteration reads a text corpus and runs the whole pipeline
// over it (corpus_pipeline.hpp). Throughput counts input bytes (MB/s); documents/s and
// tokens/s come as counters, peak memory from the harness.
//
// Reading, by strategy:
// - io=read, threads=1: a buffered reader: 1 MiB blocks, documents processed as they
//   complete, so memory stays bounded by the longest document.
// - io=read, threads=N: a parallel reader: N concurrent pread()s fill one buffer
//   (text::read_file_into).
// - io=mmap: the file is mapped and read in place.
// With threads=N the text is cut between documents into chunks that workers claim as they
// go, each worker with its own counts; the counts are merged at the end.

#include <algorithm>
#include <atomic>
#include <optional>

#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/text/corpus_pipeline.hpp"
#include "stratbench/workloads/text/text_input.hpp"
#include "stratbench/workloads/text/text_workloads.hpp"
#include "stratbench/workloads/thread_pool.hpp"

namespace sb {
namespace {

using text::CorpusCounts;
using text::DocumentProcessor;

constexpr std::size_t kBlock = 1 << 20;
// Text per task when threads > 1: about eight tasks per thread, so that the last ones
// even out, between 64 KiB and 4 MiB (a small input still splits, a big one does not
// pay for thousands of tasks).
std::size_t chunk_bytes(std::size_t bytes, int threads) {
  return std::clamp<std::size_t>(bytes / (static_cast<std::size_t>(threads) * 8), 64 << 10, 4 << 20);
}

class CorpusInstance final : public Instance {
 public:
  CorpusInstance(const Strategy& s, const Params& p)
      : enc_(text::Encoding::get("gpt2")),
        lex_(text::Lexicons::get()),
        mmap_(s.k.io == Io::mmap),
        pool_(s.k.memory == Memory::pool),
        threads_(s.k.threads),
        path_(text::resolve_text_input(str_param(p, "input"))) {
    bytes_ = text::file_size(path_);
    if (bytes_ == 0) throw InputError(path_ + ": the corpus is empty");
    for (int t = 0; t < threads_; ++t) procs_.emplace_back(enc_, lex_, pool_);
    partial_.resize(static_cast<std::size_t>(threads_));
    if (!mmap_) buf_.reserve(threads_ > 1 ? bytes_ : kBlock * 2);
  }

  void run_once() override {
    counts_.clear();
    if (!mmap_ && threads_ == 1) return stream();
    std::optional<text::MappedFile> map;
    std::string_view all;
    if (mmap_) {
      SB_RANGE(prof::Category::corpus, "map");
      map.emplace(path_);
      all = map->view();
    } else {
      SB_RANGE(prof::Category::corpus, "read");
      text::read_file_into(path_, buf_, threads_);
      all = {buf_.data(), buf_.size()};
    }
    if (threads_ == 1) return procs_[0].process_text(all, counts_);
    std::vector<std::size_t> cuts{0};
    const std::size_t chunk = chunk_bytes(all.size(), threads_);
    while (cuts.back() < all.size()) cuts.push_back(text::next_document_boundary(all, cuts.back() + chunk));
    std::atomic<std::size_t> next{0};
    for (auto& c : partial_) c.clear();
    shared_thread_pool(threads_).run(threads_, [&](int t) {
      for (std::size_t c; (c = next.fetch_add(1)) + 1 < cuts.size();) {
        SB_RANGE_INDEXED(prof::Category::corpus, "chunk", static_cast<std::int64_t>(c));
        procs_[static_cast<std::size_t>(t)].process_text(all.substr(cuts[c], cuts[c + 1] - cuts[c]),
                                                         partial_[static_cast<std::size_t>(t)]);
      }
    });
    SB_RANGE(prof::Category::corpus, "merge thread counts");
    // The biggest partial becomes the result, so the merge copies the smaller ones only.
    std::size_t big = 0;
    for (std::size_t t = 1; t < partial_.size(); ++t)
      if (partial_[t].bigrams.size() > partial_[big].bigrams.size()) big = t;
    counts_ = std::move(partial_[big]);
    for (std::size_t t = 0; t < partial_.size(); ++t)
      if (t != big) counts_.merge(partial_[t]);
  }

  CheckResult check() override {
    run_once();
    // The reference: the buffered one-thread reader with malloc, the baseline strategy.
    CorpusCounts want;
    {
      std::vector<char> whole;
      text::read_file_into(path_, whole);
      DocumentProcessor ref(enc_, lex_, false);
      ref.process_text({whole.data(), whole.size()}, want);
    }
    CheckResult r;
    if (!want.same_as(counts_)) {
      r.detail = "counts differ from the one-thread reference: documents " + std::to_string(counts_.documents) +
                 " vs " + std::to_string(want.documents) + ", words " + std::to_string(counts_.words) + " vs " +
                 std::to_string(want.words) + ", digest " + std::to_string(counts_.digest()) + " vs " +
                 std::to_string(want.digest());
      return r;
    }
    r.ok = true;
    r.detail = std::to_string(counts_.documents) + " documents, " + std::to_string(counts_.terms.size()) + " terms, " +
               std::to_string(counts_.bigrams.size()) + " bigrams, " + std::to_string(counts_.entities) +
               " entities: identical to the one-thread reference";
    return r;
  }

  double work_per_iteration() const override { return static_cast<double>(bytes_); }

  std::map<std::string, double> counters() const override {
    return {{"bytes", static_cast<double>(bytes_)},
            {"docs_per_iter", static_cast<double>(counts_.documents)},
            {"tokens_per_iter", static_cast<double>(counts_.tokens)},
            {"words", static_cast<double>(counts_.words)},
            {"unique_terms", static_cast<double>(counts_.terms.size())},
            {"unique_bigrams", static_cast<double>(counts_.bigrams.size())},
            {"entities", static_cast<double>(counts_.entities)},
            {"positive_docs", static_cast<double>(counts_.positive)},
            {"negative_docs", static_cast<double>(counts_.negative)},
            {"sentiment_sum", static_cast<double>(counts_.sentiment_sum)}};
  }

 private:
  // Buffered reading in blocks; each block's complete documents are processed at once and
  // the unfinished tail carried into the next block.
  void stream() {
    text::InputFile f(path_);
    buf_.clear();
    for (;;) {
      const std::size_t have = buf_.size();
      buf_.resize(have + kBlock);
      const std::size_t got = f.read_some(buf_.data() + have, kBlock);
      buf_.resize(have + got);
      const std::string_view v(buf_.data(), buf_.size());
      if (got == 0) {
        procs_[0].process_text(v, counts_);
        return;
      }
      const std::size_t cut = v.rfind("\n\n");
      if (cut == std::string_view::npos) continue;  // one document longer than a block
      procs_[0].process_text(v.substr(0, cut + 2), counts_);
      buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(cut + 2));
    }
  }

  const text::Encoding& enc_;
  const text::Lexicons& lex_;
  bool mmap_, pool_;
  int threads_;
  std::string path_;
  std::size_t bytes_ = 0;
  std::vector<char> buf_;
  std::vector<DocumentProcessor> procs_;
  std::vector<CorpusCounts> partial_;
  CorpusCounts counts_;
};

class CorpusWorkload final : public Workload {
 public:
  const WorkloadInfo& info() const override {
    static const WorkloadInfo i{
        .name = "corpus",
        .description =
            "text analytics over a corpus: normalize, tokenize (gpt2), term and bigram counts, entities, sentiment",
        .params = {{.name = "input",
                    .help = "sample, corpus (built by setup) or a file path",
                    .default_value = "sample",
                    .free_text = true}},
        .knobs = {"threads", "io", "memory"},
        .throughput_unit = "MB/s",
        .throughput_scale = 1e-6,
    };
    return i;
  }

  std::unique_ptr<Instance> prepare(const Strategy& s, const Params& p, const std::string&) const override {
    return std::make_unique<CorpusInstance>(s, p);
  }
};

}  // namespace

std::unique_ptr<Workload> make_corpus_workload() { return std::make_unique<CorpusWorkload>(); }

}  // namespace sb
