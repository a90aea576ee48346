#include "stratbench/reports/json_schema.hpp"

#include <regex>
#include <set>
#include <stdexcept>

namespace sb {

using nlohmann::json;

namespace {

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  void check(const json& doc, const json& schema, const std::string& path) {
    if (!schema.is_object()) throw std::invalid_argument("schema at " + path + " is not an object");
    static const std::set<std::string> known = {
        "$schema", "$id",     "title",   "description",      "$defs",     "$ref",
        "type",    "const",   "enum",    "properties",       "required",  "additionalProperties",
        "items",   "minimum", "maximum", "exclusiveMinimum", "minLength", "pattern"};
    for (const auto& [k, v] : schema.items())
      if (!known.count(k)) throw std::invalid_argument("unsupported schema keyword '" + k + "'");
    if (auto r = schema.find("$ref"); r != schema.end()) check(doc, resolve(r->get<std::string>()), path);
    if (auto t = schema.find("type"); t != schema.end() && !type_ok(doc, *t)) {
      fail(path, "expected " + (t->is_string() ? t->get<std::string>() : t->dump()) + ", found " + kind(doc));
      return;
    }
    if (auto c = schema.find("const"); c != schema.end() && doc != *c) fail(path, "expected " + c->dump());
    if (auto e = schema.find("enum"); e != schema.end()) {
      bool found = false;
      for (const auto& v : *e) found = found || v == doc;
      if (!found) fail(path, "value " + doc.dump() + " is not one of " + e->dump());
    }
    if (doc.is_number()) {
      const double x = doc.get<double>();
      if (auto m = schema.find("minimum"); m != schema.end() && x < m->get<double>())
        fail(path, "below the minimum " + m->dump());
      if (auto m = schema.find("maximum"); m != schema.end() && x > m->get<double>())
        fail(path, "above the maximum " + m->dump());
      if (auto m = schema.find("exclusiveMinimum"); m != schema.end() && x <= m->get<double>())
        fail(path, "must be greater than " + m->dump());
    }
    if (doc.is_string()) {
      const auto& s = doc.get_ref<const std::string&>();
      if (auto m = schema.find("minLength"); m != schema.end() && s.size() < m->get<std::size_t>())
        fail(path, "shorter than " + m->dump() + " characters");
      if (auto p = schema.find("pattern");
          p != schema.end() && !std::regex_search(s, std::regex(p->get<std::string>())))
        fail(path, "does not match the pattern " + p->dump());
    }
    if (doc.is_object()) {
      const json* props = schema.contains("properties") ? &schema["properties"] : nullptr;
      if (auto r = schema.find("required"); r != schema.end())
        for (const auto& name : *r)
          if (!doc.contains(name.get<std::string>()))
            fail(join(path, name.get<std::string>()), "missing required field");
      for (const auto& [k, v] : doc.items()) {
        if (props && props->contains(k)) {
          check(v, (*props)[k], join(path, k));
        } else if (auto a = schema.find("additionalProperties"); a != schema.end()) {
          if (a->is_boolean()) {
            if (!a->get<bool>()) fail(join(path, k), "unknown field");
          } else {
            check(v, *a, join(path, k));
          }
        }
      }
    }
    if (doc.is_array())
      if (auto it = schema.find("items"); it != schema.end())
        for (std::size_t i = 0; i < doc.size(); ++i) check(doc[i], *it, path + "[" + std::to_string(i) + "]");
  }

  std::vector<SchemaViolation> violations;

 private:
  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string kind(const json& j) {
    if (j.is_number_integer() || j.is_number_unsigned()) return "integer";
    return j.type_name();
  }
  static bool one_type_ok(const json& doc, const std::string& t) {
    if (t == "object") return doc.is_object();
    if (t == "array") return doc.is_array();
    if (t == "string") return doc.is_string();
    if (t == "boolean") return doc.is_boolean();
    if (t == "null") return doc.is_null();
    if (t == "number") return doc.is_number();
    if (t == "integer")
      return doc.is_number_integer() || doc.is_number_unsigned() ||
             (doc.is_number_float() &&
              doc.get<double>() == static_cast<double>(static_cast<long long>(doc.get<double>())));
    throw std::invalid_argument("unknown schema type '" + t + "'");
  }
  static bool type_ok(const json& doc, const json& t) {
    if (t.is_string()) return one_type_ok(doc, t.get<std::string>());
    for (const auto& x : t)
      if (one_type_ok(doc, x.get<std::string>())) return true;
    return false;
  }
  const json& resolve(const std::string& ref) {
    const std::string prefix = "#/$defs/";
    if (ref.rfind(prefix, 0) != 0) throw std::invalid_argument("unsupported $ref '" + ref + "'");
    const json& defs = root_.at("$defs");
    auto it = defs.find(ref.substr(prefix.size()));
    if (it == defs.end()) throw std::invalid_argument("unresolved $ref '" + ref + "'");
    return *it;
  }
  void fail(const std::string& path, const std::string& msg) {
    violations.push_back({path.empty() ? "document" : path, msg});
  }
  const json& root_;
};

}  // namespace

std::vector<SchemaViolation> validate_against_schema(const json& doc, const json& schema) {
  Validator v(schema);
  v.check(doc, schema, "");
  return v.violations;
}

}  // namespace sb
