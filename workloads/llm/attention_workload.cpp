// `attention`: causal grouped-query attention of seq_len tokens over their own keys and
// values (the attention of a prefill), alone, so its strategies are seen without the
// products around it: fusion=on is the one-pass online softmax, simd the vector dot/axpy
// (AVX-512 or AVX2, as llm_simd_level picks), threads share the (token, head) pairs.
#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"
#include "stratbench/workloads/llm/llm_workloads.hpp"
#include "stratbench/workloads/thread_pool.hpp"

namespace sb {
namespace {

using namespace sb::llm;

// fp32 softmax-weighted sums of unit-normal data stay near 1e-6 relative; a wrong mask or
// head mapping is off by O(1).
constexpr double kMaxRelError = 1e-4;
constexpr int kCheckedTokens = 24;  // spread over the sequence: the float64 reference is O(n^2)

class AttentionInstance final : public Instance {
 public:
  AttentionInstance(int n, int heads, int hd, int kv_heads, bool online, SimdLevel simd, int threads)
      : n_(n), h_(heads), hd_(hd), kvh_(kv_heads), online_(online), simd_(simd) {
    std::mt19937_64 rng(7);
    std::normal_distribution<float> d;
    q_.resize(static_cast<std::size_t>(n) * heads * hd);
    k_.resize(static_cast<std::size_t>(n) * kv_heads * hd);
    v_.resize(k_.size());
    for (auto* buf : {&q_, &k_, &v_})
      for (float& x : *buf) x = d(rng);
    out_.assign(q_.size(), 0.f);
    pool_ = threads > 1 ? &shared_thread_pool(threads) : nullptr;
    tasks_ = pool_ ? pool_->size() : 1;
    scores_.assign(static_cast<std::size_t>(tasks_) * n, 0.f);
  }

  void run_once() override {
    const int pairs = n_ * h_, group = h_ / kvh_;
    const float sc = 1.f / std::sqrt(static_cast<float>(hd_));
    const std::size_t stride = static_cast<std::size_t>(kvh_) * hd_;
    auto work = [&](int task) {
      for (int p = split_begin(pairs, tasks_, task); p < split_begin(pairs, tasks_, task + 1); ++p) {
        const int t = p / h_, h = p % h_, g = h / group;
        const float* q = q_.data() + (static_cast<std::size_t>(t) * h_ + h) * hd_;
        float* o = out_.data() + (static_cast<std::size_t>(t) * h_ + h) * hd_;
        if (online_)
          attend_online(q, k_.data() + g * hd_, v_.data() + g * hd_, stride, t + 1, hd_, sc, o, simd_);
        else
          attend_two_pass(q, k_.data() + g * hd_, v_.data() + g * hd_, stride, t + 1, hd_, sc,
                          scores_.data() + static_cast<std::size_t>(task) * n_, o, simd_);
      }
    };
    if (pool_)
      pool_->run(tasks_, work);
    else
      work(0);
  }

  CheckResult check() override {
    std::fill(out_.begin(), out_.end(), std::nanf(""));
    run_once();
    double e2 = 0, r2 = 0;
    const int group = h_ / kvh_;
    const std::size_t stride = static_cast<std::size_t>(kvh_) * hd_;
    for (int c = 0; c < std::min(n_, kCheckedTokens); ++c) {
      const int t =
          n_ <= kCheckedTokens ? c : static_cast<int>(static_cast<long long>(n_ - 1) * c / (kCheckedTokens - 1));
      for (int h = 0; h < h_; ++h) {
        const int g = h / group;
        const float* q = q_.data() + (static_cast<std::size_t>(t) * h_ + h) * hd_;
        std::vector<double> s(t + 1), ref(hd_, 0.0);
        double mx = -INFINITY, sum = 0;
        for (int j = 0; j <= t; ++j) {
          double dt = 0;
          for (int i = 0; i < hd_; ++i) dt += static_cast<double>(q[i]) * k_[stride * j + g * hd_ + i];
          s[j] = dt / std::sqrt(static_cast<double>(hd_));
          mx = std::max(mx, s[j]);
        }
        for (double& x : s) sum += (x = std::exp(x - mx));
        for (int j = 0; j <= t; ++j)
          for (int i = 0; i < hd_; ++i) ref[i] += s[j] / sum * v_[stride * j + g * hd_ + i];
        for (int i = 0; i < hd_; ++i) {
          const double e = out_[(static_cast<std::size_t>(t) * h_ + h) * hd_ + i] - ref[i];
          if (std::isnan(e))
            return {false, "output of token " + std::to_string(t) + " head " + std::to_string(h) + " not written", {}};
          e2 += e * e, r2 += ref[i] * ref[i];
        }
      }
    }
    CheckResult r;
    r.quality.rel_error = std::sqrt(e2 / r2);
    r.ok = *r.quality.rel_error <= kMaxRelError;
    std::ostringstream os;
    os << "rel_error " << *r.quality.rel_error << " against float64 over " << std::min(n_, kCheckedTokens) << " tokens";
    r.detail = os.str();
    return r;
  }

  double work_per_iteration() const override { return n_; }
  std::map<std::string, double> counters() const override {
    // q·k and p·v per (query, key) pair and head: 4*hd FLOP, over n(n+1)/2 causal pairs.
    const double flops = 4.0 * hd_ * h_ * n_ * (n_ + 1) / 2;
    return {{"flops", flops}, {"kv_cache_bytes", 2.0 * n_ * kvh_ * hd_ * sizeof(float)}};
  }

 private:
  int n_, h_, hd_, kvh_;
  bool online_;
  SimdLevel simd_;
  ThreadPool* pool_ = nullptr;
  int tasks_ = 1;
  std::vector<float> q_, k_, v_, out_, scores_;
};

class AttentionWorkload final : public Workload {
 public:
  const WorkloadInfo& info() const override {
    static const WorkloadInfo inf{
        .name = "attention",
        .description =
            "causal grouped-query attention of seq_len tokens (a prefill's attention alone), checked against float64",
        .params =
            {{.name = "seq_len", .help = "tokens (queries, and keys/values)", .default_value = "256", .max = 1 << 15},
             {.name = "heads", .help = "query heads", .default_value = "8", .max = 256},
             {.name = "head_dim", .help = "dimensions per head", .default_value = "64", .max = 1024},
             {.name = "kv_heads", .help = "key/value heads (divides heads)", .default_value = "8", .max = 256}},
        .knobs = {"simd", "threads", "fusion"},
        .throughput_unit = "tokens/s",
    };
    return inf;
  }

  std::string unsupported(const Strategy& s, const Params& p, const std::string& device) const override {
    if (auto r = Workload::unsupported(s, p, device); !r.empty()) return r;
    return llm::llm_simd_unsupported(s.k.simd);
  }

  std::unique_ptr<Instance> prepare(const Strategy& s, const Params& p, const std::string&) const override {
    const int heads = static_cast<int>(int_param(p, "heads")), kv = static_cast<int>(int_param(p, "kv_heads"));
    if (heads % kv != 0)
      throw InputError("parameter kv_heads=" + std::to_string(kv) + " does not divide heads=" + std::to_string(heads));
    return std::make_unique<AttentionInstance>(static_cast<int>(int_param(p, "seq_len")), heads,
                                               static_cast<int>(int_param(p, "head_dim")), kv, s.k.fusion,
                                               llm::llm_simd_level(s.k.simd), s.k.threads);
  }
};

}  // namespace

std::unique_ptr<Workload> make_attention_workload() { return std::make_unique<AttentionWorkload>(); }

}  // namespace sb
