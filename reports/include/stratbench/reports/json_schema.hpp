// A validator for the subset of JSON Schema (draft 2020-12) that our schema files use:
// type, const, enum, properties, required, additionalProperties, items, minimum, maximum,
// exclusiveMinimum, minLength, pattern, and $ref to "#/$defs/...". An unsupported keyword
// in a schema is an error, so a schema never silently checks less than it says.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sb {

struct SchemaViolation {
  std::string path;     // "cells[0].metrics.latency_ms.p50"
  std::string message;  // "expected number, found string"
};

std::vector<SchemaViolation> validate_against_schema(const nlohmann::json& doc, const nlohmann::json& schema);

// The results-file schema, as shipped in reports/schema (embedded at build time).
const nlohmann::json& run_schema_v1();

}  // namespace sb
