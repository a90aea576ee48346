#include "stratbench/result/result_json.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stratbench/result/cluster_json.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/profile_json.hpp"

namespace sb {

using jf::Path;
using nlohmann::json;

// ---------- writing ----------

json to_json(const Params& p) {
  json j = json::object();
  for (const auto& [key, v] : p) {
    const std::string& k = key;  // clang 14 (clang-tidy) cannot capture a structured binding
    std::visit([&](const auto& x) { j[k] = x; }, v);
  }
  return j;
}

static json to_json(const Summary& s) {
  return {{"min", s.min}, {"max", s.max}, {"mean", s.mean}, {"stddev", s.stddev}, {"cv", s.cv}, {"p50", s.p50},
          {"p90", s.p90}, {"p99", s.p99}, {"n", s.n}};
}

static json to_json(const Metrics& m) {
  json j = json::object();
  if (m.latency_ms) j["latency_ms"] = to_json(*m.latency_ms);
  if (m.throughput) j["throughput"] = {{"value", m.throughput->value}, {"unit", m.throughput->unit}};
  json mem = json::object();
  if (m.memory.peak_rss_bytes) mem["peak_rss_bytes"] = *m.memory.peak_rss_bytes;
  if (m.memory.alloc_count) mem["alloc_count"] = *m.memory.alloc_count;
  if (m.memory.alloc_bytes) mem["alloc_bytes"] = *m.memory.alloc_bytes;
  if (m.memory.gpu_peak_bytes) mem["gpu_peak_bytes"] = *m.memory.gpu_peak_bytes;
  if (!mem.empty()) j["memory"] = mem;
  json q = json::object();
  if (m.quality.rel_error) q["rel_error"] = *m.quality.rel_error;
  if (m.quality.top1_agreement) q["top1_agreement"] = *m.quality.top1_agreement;
  if (m.quality.kl) q["kl"] = *m.quality.kl;
  if (m.quality.perplexity) q["perplexity"] = *m.quality.perplexity;
  if (m.quality.perplexity_change) q["perplexity_change"] = *m.quality.perplexity_change;
  if (!q.empty()) j["quality"] = q;
  if (!m.counters.empty()) j["counters"] = m.counters;
  if (m.gpu)
    j["gpu"] = {{"kernel_time_ms", m.gpu->kernel_time_ms},
                {"launches", m.gpu->launches},
                {"memcpy_bytes", m.gpu->memcpy_bytes}};
  if (m.stopping)
    j["stopping"] = {{"target_rse", m.stopping->target_rse},
                     {"achieved_rse", m.stopping->achieved_rse},
                     {"target_reached", m.stopping->target_reached},
                     {"budget_s", m.stopping->budget_s},
                     {"iterations_per_sample", m.stopping->iterations_per_sample}};
  return j;
}

json to_json(const Cell& c) {
  json j = {{"id", c.id},         {"workload", c.workload},      {"strategy", c.strategy},
            {"device", c.device}, {"params", to_json(c.params)}, {"status", to_string(c.status)}};
  if (!c.reason.empty()) j["reason"] = c.reason;
  j["samples"] = c.samples;
  j["metrics"] = to_json(c.metrics);
  if (c.trace) j["trace"] = *c.trace;
  if (c.profile) j["profile"] = to_json(*c.profile);
  if (c.host) j["host"] = *c.host;
  return j;
}

json to_json(const HostInfo& host) {
  json gpus = json::array();
  for (const auto& g : host.gpus) gpus.push_back({{"name", g.name}, {"driver", g.driver}, {"cuda", g.cuda}});
  return {{"cpu", host.cpu}, {"cores", host.cores},   {"flags", host.flags},       {"memory_bytes", host.memory_bytes},
          {"os", host.os},   {"kernel", host.kernel}, {"compiler", host.compiler}, {"build_type", host.build_type},
          {"gpus", gpus}};
}

json to_json(const RunHeader& h) {
  json j = {{"id", h.id},
            {"started", h.started},
            {"finished", h.finished},
            {"command", h.command},
            {"git", {{"commit", h.git.commit}, {"dirty", h.git.dirty}}},
            {"host", to_json(h.host)},
            {"config_hash", h.config_hash}};
  add_cluster_fields(h, j);
  return j;
}

json to_json(const RunFile& r) {
  json cells = json::array();
  for (const auto& c : r.cells) cells.push_back(to_json(c));
  return {{"schema", r.schema}, {"run", to_json(r.run)}, {"cells", cells}};
}

// ---------- reading ----------

static Params params_from(const json& j, const Path& p) {
  jf::object(j, p);
  Params out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_number_integer() || v.is_number_unsigned())
      out[k] = jf::i64(v, p / k);
    else if (v.is_number_float())
      out[k] = jf::num(v, p / k);
    else if (v.is_string())
      out[k] = v.get<std::string>();
    else
      (p / k).fail("expected a number or a string");
  }
  return out;
}

Params params_from_json(const json& j, const std::string& where) { return params_from(j, Path{where, "params"}); }

static Summary summary_from(const json& j, const Path& p) {
  jf::object(j, p);
  Summary s;
  s.min = jf::num(jf::need(j, "min", p), p / "min");
  s.max = jf::num(jf::need(j, "max", p), p / "max");
  s.mean = jf::num(jf::need(j, "mean", p), p / "mean");
  s.stddev = jf::num(jf::need(j, "stddev", p), p / "stddev");
  s.cv = jf::num(jf::need(j, "cv", p), p / "cv");
  s.p50 = jf::num(jf::need(j, "p50", p), p / "p50");
  s.p90 = jf::num(jf::need(j, "p90", p), p / "p90");
  s.p99 = jf::num(jf::need(j, "p99", p), p / "p99");
  if (const json* n = jf::find(j, "n")) s.n = jf::u64(*n, p / "n");
  return s;
}

template <class T, class F>
static void opt_field(const json& obj, const char* key, const Path& p, std::optional<T>& out, F f) {
  if (const json* v = jf::find(obj, key)) out = f(*v, p / key);
}

static Metrics metrics_from(const json& j, const Path& p) {
  jf::object(j, p);
  Metrics m;
  if (const json* v = jf::find(j, "latency_ms")) m.latency_ms = summary_from(*v, p / "latency_ms");
  if (const json* v = jf::find(j, "throughput")) {
    Path tp = p / "throughput";
    jf::object(*v, tp);
    m.throughput =
        Throughput{jf::num(jf::need(*v, "value", tp), tp / "value"), jf::str(jf::need(*v, "unit", tp), tp / "unit")};
  }
  if (const json* v = jf::find(j, "memory")) {
    Path mp = p / "memory";
    jf::object(*v, mp);
    opt_field(*v, "peak_rss_bytes", mp, m.memory.peak_rss_bytes, jf::u64);
    opt_field(*v, "alloc_count", mp, m.memory.alloc_count, jf::u64);
    opt_field(*v, "alloc_bytes", mp, m.memory.alloc_bytes, jf::u64);
    opt_field(*v, "gpu_peak_bytes", mp, m.memory.gpu_peak_bytes, jf::u64);
  }
  if (const json* v = jf::find(j, "quality")) {
    Path qp = p / "quality";
    jf::object(*v, qp);
    opt_field(*v, "rel_error", qp, m.quality.rel_error, jf::num);
    opt_field(*v, "top1_agreement", qp, m.quality.top1_agreement, jf::num);
    opt_field(*v, "kl", qp, m.quality.kl, jf::num);
    opt_field(*v, "perplexity", qp, m.quality.perplexity, jf::num);
    opt_field(*v, "perplexity_change", qp, m.quality.perplexity_change, jf::num);
  }
  if (const json* v = jf::find(j, "counters")) {
    Path cp = p / "counters";
    jf::object(*v, cp);
    for (const auto& [k, x] : v->items()) m.counters[k] = jf::num(x, cp / k);
  }
  if (const json* v = jf::find(j, "gpu")) {
    Path gp = p / "gpu";
    jf::object(*v, gp);
    m.gpu = GpuMetrics{jf::num(jf::need(*v, "kernel_time_ms", gp), gp / "kernel_time_ms"),
                       jf::u64(jf::need(*v, "launches", gp), gp / "launches"),
                       jf::u64(jf::need(*v, "memcpy_bytes", gp), gp / "memcpy_bytes")};
  }
  if (const json* v = jf::find(j, "stopping")) {
    Path sp = p / "stopping";
    jf::object(*v, sp);
    StoppingInfo s;
    s.target_rse = jf::num(jf::need(*v, "target_rse", sp), sp / "target_rse");
    s.achieved_rse = jf::num(jf::need(*v, "achieved_rse", sp), sp / "achieved_rse");
    s.target_reached = jf::boolean(jf::need(*v, "target_reached", sp), sp / "target_reached");
    s.budget_s = jf::num(jf::need(*v, "budget_s", sp), sp / "budget_s");
    s.iterations_per_sample = jf::i64(jf::need(*v, "iterations_per_sample", sp), sp / "iterations_per_sample");
    m.stopping = s;
  }
  return m;
}

static Cell cell_from(const json& j, const Path& p) {
  jf::object(j, p);
  Cell c;
  c.id = jf::str(jf::need(j, "id", p), p / "id");
  c.workload = jf::str(jf::need(j, "workload", p), p / "workload");
  c.strategy = jf::str(jf::need(j, "strategy", p), p / "strategy");
  c.device = jf::str(jf::need(j, "device", p), p / "device");
  c.params = params_from(jf::need(j, "params", p), p / "params");
  std::string st = jf::str(jf::need(j, "status", p), p / "status");
  auto status = parse_cell_status(st);
  if (!status) (p / "status").fail("unknown status '" + st + "' (ok, failed, skipped, timeout)");
  c.status = *status;
  if (const json* r = jf::find(j, "reason")) c.reason = jf::str(*r, p / "reason");
  if (const json* s = jf::find(j, "samples")) {
    Path sp = p / "samples";
    jf::object(*s, sp);
    for (const auto& [k, arr] : s->items()) {
      jf::array(arr, sp / k);
      auto& vec = c.samples[k];
      for (std::size_t i = 0; i < arr.size(); ++i) {
        vec.push_back(jf::num(arr[i], (sp / k)[i]));
        if (vec.back() < 0) (sp / k)[i].fail("a sample cannot be negative");
      }
    }
  }
  if (const json* m = jf::find(j, "metrics")) c.metrics = metrics_from(*m, p / "metrics");
  if (const json* t = jf::find(j, "trace")) c.trace = jf::str(*t, p / "trace");
  if (const json* pr = jf::find(j, "profile")) c.profile = profile_from_json(*pr, p / "profile");
  if (const json* h = jf::find(j, "host")) c.host = jf::str(*h, p / "host");
  // An ok cell is a measured one: its samples and the latency summarised from them exist.
  // Reports, compare and the gate would otherwise judge a cell on nothing.
  if (c.status == CellStatus::ok) {
    auto it = c.samples.find("time_s");
    if (it == c.samples.end() || it->second.empty())
      (p / "samples" / "time_s").fail("an ok cell needs its time samples");
    if (!c.metrics.latency_ms) (p / "metrics" / "latency_ms").fail("an ok cell needs its latency summary");
  }
  return c;
}

Cell cell_from_json(const json& j, const std::string& where) { return cell_from(j, Path{where, ""}); }

HostInfo host_from_json(const json& host, const Path& hp) {
  jf::object(host, hp);
  HostInfo out;
  out.cpu = jf::str(jf::need(host, "cpu", hp), hp / "cpu");
  out.cores = static_cast<int>(jf::int_in(jf::need(host, "cores", hp), hp / "cores", 0, 1 << 20));
  if (const json* f = jf::find(host, "flags")) {
    jf::array(*f, hp / "flags");
    for (std::size_t i = 0; i < f->size(); ++i) out.flags.push_back(jf::str((*f)[i], (hp / "flags")[i]));
  }
  if (const json* v = jf::find(host, "memory_bytes")) out.memory_bytes = jf::u64(*v, hp / "memory_bytes");
  if (const json* v = jf::find(host, "os")) out.os = jf::str(*v, hp / "os");
  if (const json* v = jf::find(host, "kernel")) out.kernel = jf::str(*v, hp / "kernel");
  if (const json* v = jf::find(host, "compiler")) out.compiler = jf::str(*v, hp / "compiler");
  if (const json* v = jf::find(host, "build_type")) out.build_type = jf::str(*v, hp / "build_type");
  if (const json* g = jf::find(host, "gpus")) {
    Path gp = hp / "gpus";
    jf::array(*g, gp);
    for (std::size_t i = 0; i < g->size(); ++i) {
      const json& x = jf::object((*g)[i], gp[i]);
      out.gpus.push_back({jf::str(jf::need(x, "name", gp[i]), gp[i] / "name"),
                          jf::find(x, "driver") ? jf::str(x["driver"], gp[i] / "driver") : "",
                          jf::find(x, "cuda") ? jf::str(x["cuda"], gp[i] / "cuda") : ""});
    }
  }
  return out;
}

static RunHeader header_from(const json& j, const Path& p) {
  jf::object(j, p);
  RunHeader h;
  h.id = jf::str(jf::need(j, "id", p), p / "id");
  h.started = jf::str(jf::need(j, "started", p), p / "started");
  if (const json* v = jf::find(j, "finished")) h.finished = jf::str(*v, p / "finished");
  if (const json* v = jf::find(j, "command")) h.command = jf::str(*v, p / "command");
  if (const json* g = jf::find(j, "git")) {
    Path gp = p / "git";
    jf::object(*g, gp);
    h.git.commit = jf::str(jf::need(*g, "commit", gp), gp / "commit");
    h.git.dirty = jf::boolean(jf::need(*g, "dirty", gp), gp / "dirty");
  }
  h.host = host_from_json(jf::need(j, "host", p), p / "host");
  if (const json* v = jf::find(j, "config_hash")) h.config_hash = jf::str(*v, p / "config_hash");
  read_cluster_fields(j, p, h);
  return h;
}

RunHeader header_from_json(const json& j, const std::string& where) { return header_from(j, Path{where, "run"}); }

RunFile run_from_json(const json& j, const std::string& where) {
  Path root{where, ""};
  jf::object(j, root);
  RunFile r;
  r.schema = jf::str(jf::need(j, "schema", root), root / "schema");
  if (r.schema != kRunSchemaV1)
    (root / "schema").fail("unsupported schema '" + r.schema + "' (this reader knows " + kRunSchemaV1 + ")");
  r.run = header_from(jf::need(j, "run", root), root / "run");
  const json& cells = jf::array(jf::need(j, "cells", root), root / "cells");
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    r.cells.push_back(cell_from(cells[i], (root / "cells")[i]));
    // Every consumer matches cells by id: a repeated id would pair the wrong cells.
    if (auto [it, fresh] = index_of.emplace(r.cells.back().id, i); !fresh)
      ((root / "cells")[i] / "id")
          .fail("duplicate cell id '" + it->first + "' (also cells[" + std::to_string(it->second) + "].id)");
    if (const auto& h = r.cells.back().host; h && !r.run.hosts.count(*h))
      ((root / "cells")[i] / "host").fail("host '" + *h + "' is not one of run.hosts");
  }
  return r;
}

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open file");
  std::ostringstream os;
  os << in.rdbuf();
  if (in.bad()) throw InputError(path + ": read error");
  return os.str();
}

RunFile read_run_file(const std::string& path) {
  return run_from_json(parse_json_text(read_text_file(path), path), path);
}

void write_text_file_atomic(const std::string& path, const std::string& text) {
  // The temp name is unique to this process and opened with O_EXCL | O_NOFOLLOW, so a file
  // or symlink planted at that name by someone else is refused rather than written through.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  auto fail = [&](const std::string& what, int err) {
    throw InputError(path + ": " + what + ": " + std::strerror(err));
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST && ::unlink(tmp.c_str()) == 0)  // our own leftover from a killed run
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create " + tmp, errno);
  std::size_t off = 0;
  while (off < text.size()) {
    ssize_t w = ::write(fd, text.data() + off, text.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail("cannot write", err);
    }
    off += static_cast<std::size_t>(w);
  }
  const int sync_rc = ::fsync(fd), sync_err = errno;
  if (::close(fd) != 0 || sync_rc != 0) {
    const int err = sync_rc != 0 ? sync_err : errno;
    ::unlink(tmp.c_str());
    fail("cannot write", err);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail("cannot replace the file", err);
  }
}

void check_output_path(const std::string& path) {
  if (path.empty()) throw InputError("an output path is empty");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw InputError(path + ": is a directory; give a file name");
    if (::access(path.c_str(), W_OK) != 0) throw InputError(path + ": cannot write: " + std::strerror(errno));
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  if (::stat(dir.c_str(), &st) != 0) throw InputError(path + ": directory " + dir + ": " + std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) throw InputError(path + ": " + dir + " is not a directory");
  if (::access(dir.c_str(), W_OK) != 0) throw InputError(path + ": directory " + dir + ": " + std::strerror(errno));
}

void write_run_file_atomic(const std::string& path, const RunFile& r) {
  // Invalid UTF-8 (a failed cell's quoted output) becomes U+FFFD instead of an exception.
  write_text_file_atomic(path, to_json(r).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

}  // namespace sb
