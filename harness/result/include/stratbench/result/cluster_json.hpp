// JSON of what sharding and merging add to a run header (ShardInfo, MergedShard, the hosts
// of a merged run), and of a host; errors name the JSON path.
#pragma once

#include <nlohmann/json.hpp>

#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

nlohmann::json to_json(const HostInfo& host);
HostInfo host_from_json(const nlohmann::json& j, const jf::Path& p);

// "shard", "shards" and "hosts" of a run header: written only when present.
void add_cluster_fields(const RunHeader& h, nlohmann::json& j);
// Reads them back and checks them: K/N in range, one position per cell id, positions
// inside the matrix, each merged shard's host one of "hosts".
void read_cluster_fields(const nlohmann::json& j, const jf::Path& p, RunHeader& h);

}  // namespace sb
