// What the scheduler's tests share: a real engine's model (tiny, fp32), the tokens greedy
// generation gives a prompt alone (what every scheduling must reproduce), and a stream
// read to its end.
#pragma once

#include <chrono>
#include <vector>

#include "stratbench/workloads/llm/llama_engine.hpp"
#include "stratbench/workloads/llm/model_config.hpp"
#include "stratbench/workloads/llm/synthetic_weights.hpp"
#include "stratbench/workloads/serve/scheduler.hpp"

namespace sb::serve::test {

struct Fixture {
  llm::ModelConfig c = llm::model_config("tiny");
  llm::LlamaModel m = llm::synthetic_model(c, llm::kSyntheticSeed, Precision::fp32, false);
};

// The prompt alone in an engine of one sequence.
inline std::vector<int> alone(const llm::LlamaModel& m, const std::vector<int>& prompt, int n) {
  llm::Engine e(m, {}, 1, 64);
  return llm::generate(e, {prompt}, n, false).tokens[0];
}

inline SchedulerOptions with_slots(int n) {
  SchedulerOptions o;
  o.slots = n;
  return o;
}

// Every token until the end (each wait up to 5 s); the finish reason into *finish.
inline std::vector<int> collect(Stream& s, Finish* finish = nullptr) {
  std::vector<int> out;
  for (;;) {
    const Stream::Update u = s.wait(std::chrono::milliseconds(5000));
    out.insert(out.end(), u.tokens.begin(), u.tokens.end());
    if (u.done) {
      if (finish) *finish = u.finish;
      return out;
    }
  }
}

}  // namespace sb::serve::test
