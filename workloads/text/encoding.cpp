#include "stratbench/workloads/text/encoding.hpp"

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

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
  if (!known(name))
    throw InputError("unknown encoding '" + name +
                     "' (encodings: gpt2, cl100k_base), and not a path to a trained .tiktoken file");
  return name == "r50k_base" ? "gpt2" : name;
}

}  // namespace

std::string Encoding::vocab_path(const std::string& name) {
  return datasets_dir() + "/vocab/" + canonical_name(name) + ".tiktoken";
}

Encoding Encoding::from_ranks(const std::string& name, RankTable ranks) {
  const std::string canon = canonical_name(name);
  const Known& k = *known(canon);
  return custom(canon, k.pattern, std::move(ranks), k.specials);
}

Encoding Encoding::custom(const std::string& name, Pattern pattern, RankTable ranks,
                          std::vector<std::pair<std::string, std::uint32_t>> specials) {
  Encoding e;
  e.name_ = name;
  e.pattern_ = pattern;
  e.ranks_ = std::move(ranks);
  e.specials_ = std::move(specials);
  e.n_vocab_ = static_cast<std::uint32_t>(e.ranks_.size());
  for (std::size_t i = 0; i < e.specials_.size(); ++i) {
    const auto& [s, id] = e.specials_[i];
    if (id < e.ranks_.size())
      throw InputError(name + ": special token " + s + " has id " + std::to_string(id) +
                       ", which is already an ordinary rank");
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    if (s.empty() || e.ranks_.find(p, s.size()) != RankTable::kNone)
      throw InputError(name + ": special token '" + s + "' is empty or the bytes of an ordinary rank");
    for (std::size_t j = 0; j < i; ++j)
      if (e.specials_[j].second == id || e.specials_[j].first == s)
        throw InputError(name + ": special tokens " + e.specials_[j].first + " and " + s + " share an id or a text");
    e.n_vocab_ = std::max(e.n_vocab_, id + 1);
  }
  return e;
}

Encoding Encoding::trained(const std::string& name, RankTable ranks) {
  const auto eot = static_cast<std::uint32_t>(ranks.size());
  return custom(name, Pattern::gpt2, std::move(ranks), {{kEndOfText, eot}});
}

Encoding Encoding::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the vocabulary file (`stratbench tokenizer train` writes one)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return trained(path, RankTable::parse(ss.str(), path));
}

const Encoding& Encoding::get(const std::string& name) {
  static std::mutex m;
  static std::map<std::string, std::unique_ptr<Encoding>> cache;
  // A trained vocabulary is known by its path; the cache key keeps it apart from the
  // built-in names (a file called "gpt2" in the working directory is not GPT-2).
  const bool is_file =
      !known(name) && (name.find('/') != std::string::npos || (name.size() > 9 && name.ends_with(".tiktoken")));
  const std::string canon = is_file ? name : canonical_name(name);
  std::lock_guard lock(m);
  auto& slot = cache[(is_file ? "file:" : "") + canon];
  if (!slot) {
    if (is_file)
      slot = std::make_unique<Encoding>(from_file(canon));
    else
      slot = std::make_unique<Encoding>(from_ranks(canon, RankTable::load(vocab_path(canon), known(canon)->ranks)));
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
