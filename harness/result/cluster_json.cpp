#include "stratbench/result/cluster_json.hpp"

#include <string>

namespace sb {

using jf::Path;
using nlohmann::json;

void add_cluster_fields(const RunHeader& h, json& j) {
  if (h.shard) {
    const ShardInfo& s = *h.shard;
    j["shard"] = {{"index", s.index},
                  {"count", s.count},
                  {"matrix_cells", s.matrix_cells},
                  {"cells", s.cells},
                  {"positions", s.positions}};
  }
  if (!h.shards.empty()) {
    json a = json::array();
    for (const auto& m : h.shards)
      a.push_back({{"index", m.index},
                   {"count", m.count},
                   {"run_id", m.run_id},
                   {"started", m.started},
                   {"finished", m.finished},
                   {"host", m.host},
                   {"cells", m.cells}});
    j["shards"] = a;
  }
  if (!h.hosts.empty()) {
    json o = json::object();
    for (const auto& [fp, host] : h.hosts) o[fp] = to_json(host);
    j["hosts"] = o;
  }
}

static ShardInfo shard_from(const json& j, const Path& p) {
  jf::object(j, p);
  ShardInfo s;
  s.count = static_cast<int>(jf::int_in(jf::need(j, "count", p), p / "count", 1, 1000000));
  s.index = static_cast<int>(jf::int_in(jf::need(j, "index", p), p / "index", 1, s.count));
  s.matrix_cells = jf::u64(jf::need(j, "matrix_cells", p), p / "matrix_cells");
  const json& cells = jf::array(jf::need(j, "cells", p), p / "cells");
  const json& pos = jf::array(jf::need(j, "positions", p), p / "positions");
  if (cells.size() != pos.size())
    (p / "positions")
        .fail("has " + std::to_string(pos.size()) + " entries for " + std::to_string(cells.size()) + " cells");
  for (std::size_t i = 0; i < cells.size(); ++i) {
    s.cells.push_back(jf::str(cells[i], (p / "cells")[i]));
    s.positions.push_back(jf::u64(pos[i], (p / "positions")[i]));
    if (s.positions.back() >= s.matrix_cells)
      ((p / "positions")[i]).fail("is past the matrix's " + std::to_string(s.matrix_cells) + " cells");
  }
  return s;
}

void read_cluster_fields(const json& j, const Path& p, RunHeader& h) {
  if (const json* s = jf::find(j, "shard")) h.shard = shard_from(*s, p / "shard");
  if (const json* hs = jf::find(j, "hosts")) {
    jf::object(*hs, p / "hosts");
    for (const auto& [fp, host] : hs->items()) h.hosts[fp] = host_from_json(host, p / "hosts" / fp);
  }
  if (const json* a = jf::find(j, "shards")) {
    const Path ap = p / "shards";
    jf::array(*a, ap);
    for (std::size_t i = 0; i < a->size(); ++i) {
      const Path ip = ap[i];
      const json& x = jf::object((*a)[i], ip);
      MergedShard m;
      m.count = static_cast<int>(jf::int_in(jf::need(x, "count", ip), ip / "count", 1, 1000000));
      m.index = static_cast<int>(jf::int_in(jf::need(x, "index", ip), ip / "index", 1, m.count));
      m.run_id = jf::str(jf::need(x, "run_id", ip), ip / "run_id");
      if (const json* v = jf::find(x, "started")) m.started = jf::str(*v, ip / "started");
      if (const json* v = jf::find(x, "finished")) m.finished = jf::str(*v, ip / "finished");
      m.host = jf::str(jf::need(x, "host", ip), ip / "host");
      if (!h.hosts.count(m.host)) (ip / "host").fail("host '" + m.host + "' is not one of run.hosts");
      m.cells = jf::u64(jf::need(x, "cells", ip), ip / "cells");
      h.shards.push_back(m);
    }
  }
}

}  // namespace sb
