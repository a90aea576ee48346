// Strategies: named combinations of knobs. A spelling such as "blocked+simd+threads=2" is a
// '+'-separated list of presets and knob=value settings applied left to right.
// One table of knobs and one table of presets feed parsing, `stratbench list strategies`
// and the canonical form used in cell ids. Only knobs that some workload really honours
// are listed here; the others of DESIGN.md arrive with the workloads that implement them.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sb {

struct KnobSpec {
  std::string name;
  std::string help;
  std::string default_value;
  std::vector<std::string> values;  // allowed values; empty means a positive integer
  // The name in canonical forms (and so in cell ids) when the knob was renamed: ids of
  // old runs stay valid. Empty: `name`. The old name is also accepted as a spelling.
  std::string id_name = {};
};

// Typed knob values, resolved once per strategy by parse_strategy: workloads read these,
// so a misspelt knob or value is a compile error rather than a string that never matches.
// Each enumerator is one of the knob table's values, in the table's order.
enum class Layout { naive, blocked };
enum class SimdKnob { off, automatic, avx2, avx512 };  // `auto`: each workload picks its best level
enum class Library { native, blas };
enum class Merge { pairs, heap };
enum class Io { read, mmap };
enum class Memory { malloc, pool };
enum class Precision { fp32, fp16, bf16, int8, int4 };
enum class Sparsity { off, u50, u70, u90, two_of_four };  // `2of4`
enum class Prune { magnitude, wanda };
enum class Sched { fcfs, static_batch, continuous, priority };  // `static`: a keyword
enum class Kv { contiguous, paged };
enum class AnswerStore { off, memory, redis };

struct Knobs {
  Layout layout = Layout::naive;
  SimdKnob simd = SimdKnob::off;
  int threads = 1;
  Library library = Library::native;
  Merge merge = Merge::pairs;
  bool piece_cache = false;  // the tokenizer's cache of pieces and their ids (not the LLM's KV cache)
  Io io = Io::read;
  Memory memory = Memory::malloc;
  Precision precision = Precision::fp32;
  bool fusion = false;
  bool kv_cache = true;
  Sparsity sparsity = Sparsity::off;
  Prune prune = Prune::magnitude;
  int lowrank = 0;                              // percent of the full rank kept; 0: off
  int share = 1;                                // consecutive layers per shared set of weights
  Sched sched = Sched::fcfs;                    // the QA server's request scheduling (serve/scheduler.hpp)
  Kv kv = Kv::contiguous;                       // the QA server's KV memory (llm/kv_cache.hpp)
  bool prefix_cache = false;                    // the QA server reuses KV blocks of shared prompt prefixes
  AnswerStore answer_cache = AnswerStore::off;  // the QA server's exact-request cache
};

const char* to_string(SimdKnob k);  // the knob's spelling: "off", "auto", "avx2", "avx512"

struct PresetSpec {
  std::string name;
  std::string help;
  std::vector<std::pair<std::string, std::string>> sets;  // knob -> value
};

const std::vector<KnobSpec>& knob_table();
const std::vector<PresetSpec>& preset_table();

struct Strategy {
  std::string spelled;                       // as written: "blocked+simd+threads=2"
  std::map<std::string, std::string> knobs;  // every knob by table name, defaults filled in
  std::set<std::string> set_knobs;           // knobs the spelling set (even to the default)
  Knobs k;                                   // the same values, typed

  // By name, for code that walks the knob table (validation, listing); workloads use `k`.
  const std::string& knob(const std::string& name) const;
  // Knob settings that differ from the defaults, sorted: "layout=blocked,simd=auto,threads=2".
  // Two spellings of the same strategy give the same canonical form (and cell id).
  std::string canonical() const;
};

// Throws sb::InputError naming the unknown preset, knob or value.
Strategy parse_strategy(const std::string& spelled);

}  // namespace sb
