// What `stratbench load` sends and when: arrival times drawn in advance (open loop, so a
// slow server never delays the next request: no coordinated omission) and question-
// answering requests built from the project's corpus. Seeded: the same seed gives the same
// plan, byte for byte.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sb::load {

enum class ArrivalKind { poisson, gamma, constant };

struct Arrivals {
  ArrivalKind kind = ArrivalKind::poisson;
  double rate = 1;  // requests per second
  double cv = 1;    // gamma: the gaps' coefficient of variation (> 1: bursts); poisson is cv 1
};

// Seconds from the start at which each of n requests is sent (first at its gap, not 0).
std::vector<double> arrival_times(const Arrivals& a, int n, std::uint64_t seed);

// "poisson", "constant", "gamma:CV"; InputError naming the flag otherwise.
Arrivals parse_arrivals(const std::string& spelled, double rate);

enum class DatasetKind { qa, shared_prefix };

struct DatasetSpec {
  DatasetKind kind = DatasetKind::qa;
  int context_min_chars = 150, context_max_chars = 500;  // uniform
  int answer_min_tokens = 16, answer_max_tokens = 48;    // uniform: each request's max_tokens
  int prefix_chars = 1500;                               // shared_prefix: the system prefix's length
  double high_share = 0;  // this share of the requests, drawn at random, has priority 1 (else 0)
  // This share of the requests repeats an earlier one exactly (prompt and max_tokens; an
  // FAQ's popular questions), drawn uniformly among those before it: what an answer cache
  // can serve. 0 keeps a seed's plan as it always was.
  double repeat_share = 0;
};

struct PlannedRequest {
  double at_s = 0;  // send time from the start
  std::string prompt;
  int max_tokens = 0;
  int priority = 0;  // sent only when the plan has two classes
};

// A context paragraph from the corpus cut to a drawn length, then a question about one of
// its words: "Context: ...\nQuestion: What does the context say about WORD?\nAnswer:".
// shared_prefix puts the same system text (the corpus's first paragraphs) before each.
// InputError naming the corpus file when it has no usable paragraphs.
std::vector<PlannedRequest> plan_requests(const std::string& corpus_text, const std::string& corpus_name,
                                          const DatasetSpec& d, const std::vector<double>& times, std::uint64_t seed);

}  // namespace sb::load
