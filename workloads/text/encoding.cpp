#include "stratbench/workloads/text/encoding.hpp"

#include <map>
#include <memory>
#include <mutex>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/text/text_input.hpp"

namespace sb::text {
namespace {

struct Known {
  Pattern pattern;
  std::size_t ranks;
  std::vector<std::pair<std::string, std::uint32_t>> specials;
};

// What tiktoken defines for each encoding besides its ranks.
const Known* known(const std::string& name) {
  static const std::map<std::string, Known> k = {
      {"gpt2", {Pattern::gpt2, 50256, {{"<|endoftext|>", 50256}}}},
      {"cl100k_base",
       {Pattern::cl100k,
        100256,
        {{"<|endoftext|>", 100257},
         {"<|fim_prefix|>", 100258},
         {"<|fim_middle|>", 100259},
         {"<|fim_suffix|>", 100260},
         {"<|endofprompt|>", 100276}}}},
  };
  auto it = k.find(name == "r50k_base" ? "gpt2" : name);
  return it == k.end() ? nullptr : &it->second;
}

std::string canonical_name(const std::string& name) {
  if (!known(name)) throw InputError("unknown encoding '" + name + "' (encodings: gpt2, cl100k_base)");
  return name == "r50k_base" ? "gpt2" : name;
}

}  // namespace

std::string Encoding::vocab_path(const std::string& name) {
  return datasets_dir() + "/vocab/" + canonical_name(name) + ".tiktoken";
}

Encoding Encoding::from_ranks(const std::string& name, RankTable ranks) {
  const std::string canon = canonical_name(name);
  const Known& k = *known(canon);
  Encoding e;
  e.name_ = canon;
  e.pattern_ = k.pattern;
  e.ranks_ = std::move(ranks);
  e.specials_ = k.specials;
  e.n_vocab_ = static_cast<std::uint32_t>(e.ranks_.size());
  for (const auto& [s, id] : e.specials_) {
    if (id < e.ranks_.size())
      throw InputError(canon + ": special token " + s + " has id " + std::to_string(id) +
                       ", which is already an ordinary rank");
    e.n_vocab_ = std::max(e.n_vocab_, id + 1);
  }
  return e;
}

const Encoding& Encoding::get(const std::string& name) {
  static std::mutex m;
  static std::map<std::string, std::unique_ptr<Encoding>> cache;
  const std::string canon = canonical_name(name);
  std::lock_guard lock(m);
  auto& slot = cache[canon];
  if (!slot) {
    const std::string path = vocab_path(canon);
    slot = std::make_unique<Encoding>(from_ranks(canon, RankTable::load(path, known(canon)->ranks)));
  }
  return *slot;
}

std::string Encoding::decode(std::span<const std::uint32_t> ids) const {
  std::string out;
  out.reserve(ids.size() * 4);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::uint32_t id = ids[i];
    if (id < ranks_.size()) {
      out += ranks_.bytes(id);
      continue;
    }
    bool found = false;
    for (const auto& [s, sid] : specials_)
      if (sid == id) {
        out += s;
        found = true;
        break;
      }
    if (!found)
      throw InputError("token id " + std::to_string(id) + " (at index " + std::to_string(i) + ") is not in the " +
                       name_ + " vocabulary");
  }
  return out;
}

}  // namespace sb::text
