#pragma once

#include <memory>

#include "stratbench/workloads/workload.hpp"

namespace sb {

// `tokenize`: byte-level BPE encoding of a text file (gpt2 or cl100k_base).
std::unique_ptr<Workload> make_tokenize_workload();
// `corpus`: the text-analytics pipeline over a corpus (corpus_pipeline.hpp).
std::unique_ptr<Workload> make_corpus_workload();

}  // namespace sb
