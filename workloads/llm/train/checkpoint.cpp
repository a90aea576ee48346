// Training checkpoints: "SBCKPT1\n", the header's length (8 bytes, little endian), a JSON
// header, then parameters, first and second moments as raw little-endian floats.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/llm/train_model.hpp"
#include "stratbench/workloads/llm/trainer.hpp"

namespace sb::llm::train {
namespace {

constexpr char kMagic[8] = {'S', 'B', 'C', 'K', 'P', 'T', '1', '\n'};
constexpr const char* kFormat = "stratbench/train-checkpoint/v1";

// What must not change between a run and its resumption: everything that shapes the
// parameters' trajectory. (The budget may grow: a finished run can be trained further.)
nlohmann::json fixed_options(const TrainOptions& o) {
  const ModelConfig& c = o.cfg;
  nlohmann::json j = {{"config",
                       {{"dim", c.dim},
                        {"n_layers", c.n_layers},
                        {"n_heads", c.n_heads},
                        {"n_kv_heads", c.n_kv_heads},
                        {"hidden_dim", c.hidden_dim},
                        {"vocab_size", c.vocab_size},
                        {"max_seq_len", c.max_seq_len},
                        {"tied_embeddings", c.tied_embeddings}}},
                      {"seed", o.seed},
                      {"threads", o.threads},
                      {"batch", o.batch},
                      {"seq", o.seq},
                      {"lr", o.lr},
                      {"min_lr", o.min_lr},
                      {"warmup", o.warmup},
                      {"beta1", o.beta1},
                      {"beta2", o.beta2},
                      {"weight_decay", o.weight_decay},
                      {"clip", o.clip},
                      {"tokens", o.tokens}};
  if (o.teacher)
    j["distill"] = {{"temperature", o.teacher->temperature},
                    {"alpha", o.teacher->alpha},
                    {"teacher_parameters", o.teacher->params.size()}};
  return j;
}

nlohmann::json curve_json(const std::vector<CurvePoint>& curve) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& p : curve)
    a.push_back({p.step, p.tokens, p.train_loss, p.heldout_loss, p.lr, p.grad_norm, p.seconds});
  return a;
}

// Names the first key of `want` whose value differs in `have` (recursing into objects).
std::string first_difference(const nlohmann::json& want, const nlohmann::json& have, const std::string& at) {
  for (auto it = want.begin(); it != want.end(); ++it) {
    const std::string key = at.empty() ? it.key() : at + "." + it.key();
    if (!have.contains(it.key())) return key + " (missing)";
    if (it->is_object()) {
      std::string d = first_difference(*it, have[it.key()], key);
      if (!d.empty()) return d;
    } else if (*it != have[it.key()]) {
      return key + " (checkpoint " + have[it.key()].dump() + ", now " + it->dump() + ")";
    }
  }
  return {};
}

}  // namespace

void save_checkpoint(const std::string& path, const TrainOptions& o, const TrainState& s) {
  nlohmann::json h = {{"format", kFormat},
                      {"options", fixed_options(o)},
                      {"step", s.step},
                      {"parameters", s.params.size()},
                      {"curve", curve_json(s.curve)}};
  const std::string header = h.dump();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw InputError(path + ": cannot write the checkpoint");
    const std::uint64_t n = header.size();
    f.write(kMagic, sizeof kMagic);
    f.write(reinterpret_cast<const char*>(&n), sizeof n);
    f.write(header.data(), static_cast<std::streamsize>(n));
    for (const auto* v : {&s.params, &s.m, &s.v})
      f.write(reinterpret_cast<const char*>(v->data()), static_cast<std::streamsize>(v->size() * sizeof(float)));
    f.flush();
    if (!f) throw InputError(path + ": writing the checkpoint failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw InputError(path + ": cannot rename the checkpoint into place: " + ec.message());
}

TrainState load_checkpoint(const std::string& path, const TrainOptions& o) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path + ": cannot open the checkpoint");
  char magic[sizeof kMagic];
  std::uint64_t n = 0;
  f.read(magic, sizeof magic);
  f.read(reinterpret_cast<char*>(&n), sizeof n);
  if (!f || std::memcmp(magic, kMagic, sizeof kMagic) != 0)
    throw InputError(path + ": not a stratbench training checkpoint");
  if (n > (64u << 20)) throw InputError(path + ": checkpoint header of " + std::to_string(n) + " bytes is implausible");
  std::string header(n, '\0');
  f.read(header.data(), static_cast<std::streamsize>(n));
  nlohmann::json h;
  try {
    h = nlohmann::json::parse(header);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": checkpoint header: " + e.what());
  }
  if (!h.is_object() || h.value("format", "") != kFormat)
    throw InputError(path + ": not a " + std::string(kFormat) + " file");
  nlohmann::json want = fixed_options(o), have = h.value("options", nlohmann::json::object());
  want.erase("tokens");
  if (want.contains("distill") != have.contains("distill"))
    throw InputError(path + ": the checkpoint was made " + (have.contains("distill") ? "with" : "without") +
                     " a teacher, and this run is " + (want.contains("distill") ? "distillation" : "plain training"));
  const std::string diff = first_difference(want, have, "");
  if (!diff.empty()) throw InputError(path + ": the checkpoint was made with other options: " + diff);
  const ParamLayout l(o.cfg);
  if (h.value("parameters", std::size_t{0}) != l.total) throw InputError(path + ": parameter count differs");
  TrainState s;
  s.step = h.value("step", 0);
  try {
    for (const auto& p : h.value("curve", nlohmann::json::array())) {
      if (!p.is_array() || p.size() != 7) throw InputError(path + ": checkpoint curve row is malformed");
      s.curve.push_back({p[0].get<int>(), p[1].get<std::uint64_t>(), p[2].get<double>(), p[3].get<double>(),
                         p[4].get<double>(), p[5].get<double>(), p[6].get<double>()});
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": checkpoint curve: " + e.what());
  }
  for (auto* v : {&s.params, &s.m, &s.v}) {
    v->resize(l.total);
    f.read(reinterpret_cast<char*>(v->data()), static_cast<std::streamsize>(l.total * sizeof(float)));
  }
  if (!f) throw InputError(path + ": checkpoint is truncated");
  return s;
}

}  // namespace sb::llm::train
