#include "stratbench/workloads/strategy.hpp"

#include <algorithm>
#include <charconv>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/text.hpp"

namespace sb {

const std::vector<KnobSpec>& knob_table() {
  static const std::vector<KnobSpec> t = {
      {"layout",
       "loop structure: naive loops, or blocked (GEMM: cache tiles with packed panels; LLM: register tiles "
       "of rows x tokens in products over several tokens)",
       "naive",
       {"naive", "blocked"}},
      {"simd",
       "vector micro-kernels: off, auto (best the CPU has), or a named ISA",
       "off",
       {"off", "auto", "avx2", "avx512"}},
      {"threads", "worker threads from the shared pool (the calling thread is one of them)", "1", {}},
      {"library", "native (our code) or blas (OpenBLAS, the vendor reference)", "native", {"native", "blas"}},
      {"merge",
       "BPE merges: pairs (rescan every adjacent pair) or heap (priority queue over a linked list)",
       "pairs",
       {"pairs", "heap"}},
      {"piece_cache",
       "the tokenizer's bounded cache of recent pieces and their token ids",
       "off",
       {"off", "on"},
       "cache"},
      {"io", "how input files are read: read (into a buffer) or mmap", "read", {"read", "mmap"}},
      {"memory",
       "scratch memory: malloc (fresh allocations per document or per op) or pool (one arena, reset per "
       "document or per forward pass)",
       "malloc",
       {"malloc", "pool"}},
      {"precision",
       "weight storage and arithmetic: fp32, fp16/bf16 (widened to fp32), int8 (Q8_0) or int4 (Q4_0) "
       "with integer dot products against Q8_0 activations",
       "fp32",
       {"fp32", "fp16", "bf16", "int8", "int4"}},
      {"fusion",
       "operator fusion: RMSNorm folded into the next product, fused SwiGLU, one-pass online-softmax "
       "attention",
       "off",
       {"off", "on"}},
      {"kv_cache",
       "keep keys and values of past tokens (on) or recompute the whole prefix every decode step (off)",
       "on",
       {"on", "off"}},
      {"sparsity",
       "LLM layer projections pruned by magnitude to 50/70/90% zeros per row (u50, u70, u90) or two of every "
       "four inputs (2of4), multiplied in a packed sparse form; fp32 values",
       "off",
       {"off", "u50", "u70", "u90", "2of4"}},
      {"prune",
       "which weights sparsity zeroes: the smallest |W| of each row (magnitude), or the smallest |W| times "
       "the input's norm on calibration text (wanda, Sun et al. 2023)",
       "magnitude",
       {"magnitude", "wanda"}},
      {"lowrank",
       "LLM layer projections replaced by their truncated SVD at 25 or 50% of the full rank: two skinny "
       "products",
       "off",
       {"off", "25", "50"}},
      {"share",
       "groups of 2 or 4 consecutive LLM layers run one set of weights, the group's mean (ALBERT-style)",
       "off",
       {"off", "2", "4"}},
      {"sched",
       "the QA server's scheduling: fcfs (one request at a time), static (fixed batches run to completion), "
       "continuous (requests join and leave the batch at token boundaries, prompts fed in chunks) or priority "
       "(continuous, highest request priority first, preempting lower ones when no KV slot is free)",
       "fcfs",
       {"fcfs", "static", "continuous", "priority"}},
      {"kv",
       "the QA server's KV memory: contiguous (a whole context reserved per request slot) or paged (a pool of "
       "16-position blocks shared by all requests, taken as they grow, freed when they end)",
       "contiguous",
       {"contiguous", "paged"}},
      {"prefix_cache",
       "the QA server reuses the KV blocks of a prompt prefix another request already computed (needs kv=paged)",
       "off",
       {"off", "on"}},
      {"answer_cache",
       "the QA server answers a request identical to an earlier one from a cache: in process (memory) or in a "
       "redis-server (--redis HOST:PORT)",
       "off",
       {"off", "memory", "redis"}},
  };
  return t;
}

const std::vector<PresetSpec>& preset_table() {
  static const std::vector<PresetSpec> t = {
      {"baseline", "every knob at its default: straightforward loops, one thread", {}},
      {"naive", "the plain triple loop (layout=naive)", {{"layout", "naive"}}},
      {"blocked", "cache or register tiling (layout=blocked)", {{"layout", "blocked"}}},
      {"tiled", "same as blocked", {{"layout", "blocked"}}},
      {"simd", "AVX2/AVX-512 micro-kernel chosen at run time (simd=auto)", {{"simd", "auto"}}},
      {"blas",
       "the vendor library as shipped (library=blas): OpenBLAS on all cores unless threads=N "
       "is given; cuBLAS on cuda",
       {{"library", "blas"}}},
      {"heap", "BPE merges with a priority queue over a linked list of parts (merge=heap)", {{"merge", "heap"}}},
      {"cache", "a bounded cache of pre-tokenized pieces and their ids (piece_cache=on)", {{"piece_cache", "on"}}},
      {"mmap", "map input files instead of reading them (io=mmap)", {{"io", "mmap"}}},
      {"pool", "arena allocation of scratch state (memory=pool)", {{"memory", "pool"}}},
      {"fp16", "weights stored as IEEE half, widened with F16C (precision=fp16)", {{"precision", "fp16"}}},
      {"bf16", "weights stored as bfloat16, widened by a shift (precision=bf16)", {{"precision", "bf16"}}},
      {"int8", "Q8_0 weights and activations, integer dot products (precision=int8)", {{"precision", "int8"}}},
      {"int4", "Q4_0 weights, Q8_0 activations, integer dot products (precision=int4)", {{"precision", "int4"}}},
      {"fused", "RMSNorm folded into products, fused SwiGLU, online-softmax attention (fusion=on)", {{"fusion", "on"}}},
  };
  return t;
}

static const KnobSpec* find_knob(const std::string& name) {
  for (const auto& k : knob_table())
    if (k.name == name || (!k.id_name.empty() && k.id_name == name)) return &k;
  return nullptr;
}

static std::string knob_names() {
  return join(knob_table(), ", ", [](const KnobSpec& k) { return k.name; });
}

static std::string preset_names() {
  return join(preset_table(), ", ", [](const PresetSpec& p) { return p.name; });
}

static void set_knob(Strategy& st, const std::string& spelled, const std::string& name, std::string value) {
  const KnobSpec* k = find_knob(name);
  if (!k) throw InputError("strategy '" + spelled + "': unknown knob '" + name + "' (knobs: " + knob_names() + ")");
  if (k->values.empty()) {
    int n = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || p != value.data() + value.size() || n < 1 || n > 1024)
      throw InputError("strategy '" + spelled + "': " + name + "='" + value + "' is not an integer in 1..1024");
    value = std::to_string(n);
  } else if (std::find(k->values.begin(), k->values.end(), value) == k->values.end()) {
    throw InputError("strategy '" + spelled + "': " + name + "='" + value + "' is not one of " + join(k->values, ", "));
  }
  st.knobs[k->name] = value;
  st.set_knobs.insert(k->name);
}

// The one place that turns knob strings into the typed values workloads read. An enum's
// enumerators follow its knob's values in the table, so the value's index is the enum.
static Knobs resolve(const Strategy& st) {
  auto index = [&](const char* name) {
    const KnobSpec* k = find_knob(name);
    SB_CHECK(k != nullptr);
    const auto it = std::find(k->values.begin(), k->values.end(), st.knob(name));
    SB_CHECK(it != k->values.end());
    return static_cast<int>(it - k->values.begin());
  };
  auto on = [&](const char* name) { return st.knob(name) == "on"; };
  Knobs k;
  k.layout = static_cast<Layout>(index("layout"));
  k.simd = static_cast<SimdKnob>(index("simd"));
  k.threads = std::stoi(st.knob("threads"));
  k.library = static_cast<Library>(index("library"));
  k.merge = static_cast<Merge>(index("merge"));
  k.piece_cache = on("piece_cache");
  k.io = static_cast<Io>(index("io"));
  k.memory = static_cast<Memory>(index("memory"));
  k.precision = static_cast<Precision>(index("precision"));
  k.fusion = on("fusion");
  k.kv_cache = on("kv_cache");
  k.sparsity = static_cast<Sparsity>(index("sparsity"));
  k.prune = static_cast<Prune>(index("prune"));
  k.lowrank = st.knob("lowrank") == "off" ? 0 : std::stoi(st.knob("lowrank"));
  k.share = st.knob("share") == "off" ? 1 : std::stoi(st.knob("share"));
  k.sched = static_cast<Sched>(index("sched"));
  k.kv = static_cast<Kv>(index("kv"));
  k.prefix_cache = on("prefix_cache");
  k.answer_cache = static_cast<AnswerStore>(index("answer_cache"));
  return k;
}

const char* to_string(SimdKnob k) {
  switch (k) {
    case SimdKnob::off: return "off";
    case SimdKnob::automatic: return "auto";
    case SimdKnob::avx2: return "avx2";
    case SimdKnob::avx512: return "avx512";
  }
  return "?";
}

Strategy parse_strategy(const std::string& spelled) {
  Strategy st;
  st.spelled = spelled;
  for (const auto& k : knob_table()) st.knobs[k.name] = k.default_value;
  if (spelled.empty()) throw InputError("empty strategy name");
  std::size_t start = 0;
  while (start <= spelled.size()) {
    std::size_t end = spelled.find('+', start);
    if (end == std::string::npos) end = spelled.size();
    std::string part = spelled.substr(start, end - start);
    if (part.empty()) throw InputError("strategy '" + spelled + "': empty part between '+'");
    if (auto eq = part.find('='); eq != std::string::npos) {
      set_knob(st, spelled, part.substr(0, eq), part.substr(eq + 1));
    } else {
      auto it = std::find_if(preset_table().begin(), preset_table().end(),
                             [&](const PresetSpec& p) { return p.name == part; });
      if (it == preset_table().end())
        throw InputError("unknown strategy '" + part + "'" + (part == spelled ? "" : " in '" + spelled + "'") +
                         " (presets: " + preset_names() + "; or knob=value with knobs: " + knob_names() + ")");
      for (const auto& [k, v] : it->sets) set_knob(st, spelled, k, v);
    }
    start = end + 1;
  }
  st.k = resolve(st);
  return st;
}

const std::string& Strategy::knob(const std::string& name) const {
  auto it = knobs.find(name);
  SB_CHECK(it != knobs.end());
  return it->second;
}

std::string Strategy::canonical() const {
  std::vector<std::string> set;
  for (const auto& k : knob_table())
    if (const std::string& v = knob(k.name); v != k.default_value)
      set.push_back((k.id_name.empty() ? k.name : k.id_name) + "=" + v);
  return set.empty() ? "baseline" : join(set, ",");
}

}  // namespace sb
