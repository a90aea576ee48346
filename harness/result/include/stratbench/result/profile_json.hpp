// JSON of the cell's traced-pass record (ProfileInfo); errors name the JSON path.
#pragma once

#include <nlohmann/json.hpp>

#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

nlohmann::json to_json(const ProfileInfo& p);
ProfileInfo profile_from_json(const nlohmann::json& j, const jf::Path& p);

}  // namespace sb
