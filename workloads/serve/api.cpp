#include "stratbench/workloads/serve/api.hpp"

#include "stratbench/result/errors.hpp"
#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::serve {
namespace {

using jf::json;

const jf::Path kBody{"request body", ""};

// Runs `read`, turning a field's InputError into a 400 that names the field.
template <class F>
auto field(const char* name, F&& read) {
  try {
    return read();
  } catch (const InputError& e) {
    throw ApiError{400, e.what(), name};
  }
}

std::vector<int> token_array(const json& a, const jf::Path& p, int vocab) {
  std::vector<int> ids;
  for (std::size_t i = 0; i < a.size(); ++i) ids.push_back(static_cast<int>(jf::int_in(a[i], p[i], 0, vocab - 1)));
  return ids;
}

json base(Endpoint ep, const std::string& id, const std::string& model, std::int64_t created, bool chunk) {
  const char* object = ep == Endpoint::chat ? (chunk ? "chat.completion.chunk" : "chat.completion") : "text_completion";
  return json{{"id", id}, {"object", object}, {"created", created}, {"model", model}};
}

json choice(Endpoint ep, const std::string& text, const char* finish, bool chunk) {
  json c{{"index", 0}, {"finish_reason", finish ? json(finish) : json(nullptr)}};
  if (ep == Endpoint::completions) {
    c["text"] = text;
    c["logprobs"] = nullptr;
  } else if (chunk) {
    c["delta"] = text.empty() && finish ? json::object() : json{{"content", text}};
  } else {
    c["message"] = json{{"role", "assistant"}, {"content", text}};
  }
  return c;
}

json usage(int prompt, int completion) {
  return json{{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion}};
}

// The length of the longest prefix of s that ends on a complete UTF-8 character, and
// whether an invalid sequence (not just an incomplete tail) was seen.
std::size_t complete_prefix(std::string_view s, bool& invalid) {
  std::size_t i = 0;
  invalid = false;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0) {
      invalid = true;
      return i;
    }
    if (i + n > s.size()) {
      for (std::size_t k = i + 1; k < s.size(); ++k)
        if ((static_cast<unsigned char>(s[k]) >> 6) != 2) invalid = true;
      return i;
    }
    for (std::size_t k = i + 1; k < i + n; ++k)
      if ((static_cast<unsigned char>(s[k]) >> 6) != 2) {
        invalid = true;
        return i;
      }
    i += n;
  }
  return i;
}

}  // namespace

std::string chat_prompt(const std::vector<std::pair<std::string, std::string>>& messages) {
  std::string p;
  for (const auto& [role, content] : messages) p += role + ": " + content + "\n";
  return p + "assistant:";
}

ApiRequest parse_request(std::string_view body, Endpoint ep, const ApiLimits& lim,
                         const std::function<std::vector<int>(std::string_view)>& encode) {
  json j;
  try {
    j = parse_json_text(std::string(body), "request body");
  } catch (const InputError& e) {
    throw ApiError{400, e.what(), ""};
  }
  field("", [&] { return jf::object(j, kBody); });
  ApiRequest r;
  if (const json* m = jf::find(j, "model")) r.model = field("model", [&] { return jf::str(*m, kBody / "model"); });
  const int cap = lim.max_tokens_cap > 0 ? lim.max_tokens_cap : lim.context;
  if (const json* m = jf::find(j, "max_tokens"))
    r.max_tokens = static_cast<int>(field("max_tokens", [&] { return jf::int_in(*m, kBody / "max_tokens", 1, cap); }));
  if (const json* p = jf::find(j, "priority"))
    r.priority = static_cast<int>(field("priority", [&] { return jf::int_in(*p, kBody / "priority", -1000, 1000); }));
  if (const json* s = jf::find(j, "stream"))
    r.stream = field("stream", [&] { return jf::boolean(*s, kBody / "stream"); });
  if (const json* o = jf::find(j, "stream_options")) {
    const jf::Path p = kBody / "stream_options";
    field("stream_options", [&] { return jf::object(*o, p); });
    if (const json* u = jf::find(*o, "include_usage"))
      r.include_usage = field("stream_options", [&] { return jf::boolean(*u, p / "include_usage"); });
  }
  if (const json* t = jf::find(j, "temperature"))
    if (field("temperature", [&] { return jf::num(*t, kBody / "temperature"); }) != 0.0)
      throw ApiError{400, "request body: temperature: only greedy decoding (0) is served", "temperature"};
  if (const json* t = jf::find(j, "top_p"))
    if (field("top_p", [&] { return jf::num(*t, kBody / "top_p"); }) != 1.0)
      throw ApiError{400, "request body: top_p: only greedy decoding (1) is served", "top_p"};
  if (const json* n = jf::find(j, "n")) field("n", [&] { return jf::int_in(*n, kBody / "n", 1, 1); });

  if (ep == Endpoint::completions) {
    const json* p = jf::find(j, "prompt");
    if (!p) throw ApiError{400, "request body: prompt: missing", "prompt"};
    if (p->is_string()) {
      r.prompt = encode(p->get_ref<const std::string&>());
    } else if (p->is_array()) {
      r.prompt = field("prompt", [&] { return token_array(*p, kBody / "prompt", lim.vocab); });
    } else {
      throw ApiError{
          400, std::string("request body: prompt: expected a string or an array of token ids, got ") + p->type_name(),
          "prompt"};
    }
  } else {
    const json* m = jf::find(j, "messages");
    if (!m) throw ApiError{400, "request body: messages: missing", "messages"};
    std::vector<std::pair<std::string, std::string>> msgs;
    field("messages", [&] {
      const jf::Path mp = kBody / "messages";
      jf::array(*m, mp);
      for (std::size_t i = 0; i < m->size(); ++i) {
        jf::object((*m)[i], mp[i]);
        msgs.emplace_back(jf::str(jf::need((*m)[i], "role", mp[i]), mp[i] / "role"),
                          jf::str(jf::need((*m)[i], "content", mp[i]), mp[i] / "content"));
      }
      return 0;
    });
    if (msgs.empty()) throw ApiError{400, "request body: messages: empty", "messages"};
    r.prompt = encode(chat_prompt(msgs));
  }
  if (r.prompt.empty())
    throw ApiError{400, "request body: prompt: no tokens", ep == Endpoint::chat ? "messages" : "prompt"};
  if (r.prompt.size() + static_cast<std::size_t>(r.max_tokens) > static_cast<std::size_t>(lim.context))
    throw ApiError{400,
                   "request body: the prompt's " + std::to_string(r.prompt.size()) + " tokens plus max_tokens " +
                       std::to_string(r.max_tokens) + " exceed the context of " + std::to_string(lim.context),
                   r.prompt.size() >= static_cast<std::size_t>(lim.context)
                       ? (ep == Endpoint::chat ? "messages" : "prompt")
                       : "max_tokens"};
  return r;
}

std::string completion_body(Endpoint ep, const std::string& id, const std::string& model, std::int64_t created,
                            const std::string& text, const char* finish_reason, int prompt_tokens,
                            int completion_tokens) {
  json j = base(ep, id, model, created, false);
  j["choices"] = json::array({choice(ep, text, finish_reason, false)});
  j["usage"] = usage(prompt_tokens, completion_tokens);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string stream_event(Endpoint ep, const std::string& id, const std::string& model, std::int64_t created,
                         const std::string& text, const char* finish_reason) {
  json j = base(ep, id, model, created, true);
  j["choices"] = json::array({choice(ep, text, finish_reason, true)});
  return "data: " + j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

std::string usage_event(Endpoint ep, const std::string& id, const std::string& model, std::int64_t created,
                        int prompt_tokens, int completion_tokens) {
  json j = base(ep, id, model, created, true);
  j["choices"] = json::array();
  j["usage"] = usage(prompt_tokens, completion_tokens);
  return "data: " + j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

std::string error_body(const ApiError& e) {
  const char* type = e.status == 429 ? "rate_limit_error" : e.status >= 500 ? "server_error" : "invalid_request_error";
  return json{{"error",
               {{"message", e.message},
                {"type", type},
                {"param", e.param.empty() ? json(nullptr) : json(e.param)},
                {"code", e.status}}}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Utf8Joiner::add(std::string_view bytes) {
  held_ += bytes;
  std::string out;
  for (;;) {
    bool invalid = false;
    const std::size_t n = complete_prefix(held_, invalid);
    out += held_.substr(0, n);
    held_.erase(0, n);
    if (!invalid) return out;
    out += "\xEF\xBF\xBD";  // U+FFFD for the byte that cannot start or continue a character
    held_.erase(0, 1);
  }
}

std::string Utf8Joiner::flush() {
  std::string out = add("");
  for (std::size_t i = 0; i < held_.size(); ++i) out += "\xEF\xBF\xBD";
  held_.clear();
  return out;
}

}  // namespace sb::serve
