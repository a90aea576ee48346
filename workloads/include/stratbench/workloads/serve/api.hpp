// The OpenAI-compatible request and response bodies of `stratbench serve`, apart from HTTP
// so that they are tested as plain functions. Greedy decoding only: a request asking for
// sampling (temperature > 0, top_p < 1, n > 1) is refused rather than silently served
// greedily, since a load test must know what it measured.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "stratbench/workloads/text/encoding.hpp"

namespace sb::serve {

// A refused request: its HTTP status, a message and the JSON field it names ("" for the body).
struct ApiError {
  int status = 400;
  std::string message;
  std::string param;
};

enum class Endpoint { completions, chat };

struct ApiRequest {
  std::vector<int> prompt;
  int max_tokens = 16;
  int priority = 0;  // "priority" (not OpenAI's; llama-server ignores it): higher goes first under sched=priority
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage: a last event with the counts
  std::string model;           // echoed back
};

struct ApiLimits {
  int context = 0;         // prompt + max_tokens must fit
  int vocab = 0;           // token ids in a prompt must be below
  int max_tokens_cap = 0;  // largest max_tokens accepted (0: the context)
};

// Tokenizes text prompts with `encode` (the model's own vocabulary). Throws ApiError naming
// the field: malformed JSON, a wrong type, a missing prompt or messages, a token id outside
// the vocabulary, max_tokens outside 1..cap, sampling asked for, or a prompt that with
// max_tokens does not fit the context.
ApiRequest parse_request(std::string_view body, Endpoint ep, const ApiLimits& lim,
                         const std::function<std::vector<int>(std::string_view)>& encode);

// The chat prompt a message list becomes: "role: content\n" per message, then "assistant:".
// (The models trained here have no chat template; this plain one is stated, not guessed.)
std::string chat_prompt(const std::vector<std::pair<std::string, std::string>>& messages);

// Response bodies. `text` is UTF-8 (see Utf8Joiner).
std::string completion_body(Endpoint ep, const std::string& id, const std::string& model, std::int64_t created,
                            const std::string& text, const char* finish_reason, int prompt_tokens,
                            int completion_tokens);
// One server-sent event carrying `text` (finish_reason null unless given).
std::string stream_event(Endpoint ep, const std::string& id, const std::string& model, std::int64_t created,
                         const std::string& text, const char* finish_reason);
std::string usage_event(Endpoint ep, const std::string& id, const std::string& model, std::int64_t created,
                        int prompt_tokens, int completion_tokens);
std::string error_body(const ApiError& e);

// Token bytes to text for a stream: a token may end inside a UTF-8 character, so bytes are
// held back until the character is complete. flush() gives what is left, invalid bytes as
// U+FFFD (a JSON string must be valid UTF-8).
class Utf8Joiner {
 public:
  std::string add(std::string_view bytes);
  std::string flush();

 private:
  std::string held_;
};

}  // namespace sb::serve
