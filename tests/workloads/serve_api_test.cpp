// The server's request parsing and response bodies, as plain functions: every refusal names
// its field; streamed token bytes become valid UTF-8 text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stratbench/workloads/serve/api.hpp"

namespace sb::serve {
namespace {

const ApiLimits kLim{32, 100, 0};

std::vector<int> bytes_as_ids(std::string_view s) {
  std::vector<int> v;
  for (unsigned char c : s) v.push_back(c % 100);
  return v;
}

ApiRequest parse(const std::string& body, Endpoint ep = Endpoint::completions) {
  return parse_request(body, ep, kLim, bytes_as_ids);
}

ApiError refusal(const std::string& body, Endpoint ep = Endpoint::completions) {
  try {
    parse(body, ep);
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted: " << body;
  return {};
}

TEST(ServeApi, ReadsTextAndTokenPromptsAndOptions) {
  ApiRequest r = parse(R"({"prompt": "abc", "max_tokens": 5, "stream": true, "model": "m",
                           "stream_options": {"include_usage": true}, "temperature": 0, "n": 1})");
  EXPECT_EQ(r.prompt, (std::vector<int>{97, 98, 99 % 100}));
  EXPECT_EQ(r.max_tokens, 5);
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
  EXPECT_EQ(r.model, "m");
  r = parse(R"({"prompt": [1, 2, 99]})");
  EXPECT_EQ(r.prompt, (std::vector<int>{1, 2, 99}));
  EXPECT_EQ(r.max_tokens, 16);
  EXPECT_FALSE(r.stream);
  r = parse(R"({"messages": [{"role": "user", "content": "hi"}], "max_tokens": 4})", Endpoint::chat);
  EXPECT_EQ(r.prompt, bytes_as_ids("user: hi\nassistant:"));
}

TEST(ServeApi, EveryRefusalNamesItsField) {
  struct Case {
    std::string body, param, says;
    Endpoint ep = Endpoint::completions;
  };
  const std::vector<Case> cases = {
      {"{\"prompt\": ", "", "request body"},
      {"[1, 2]", "", "expected an object"},
      {"{}", "prompt", "missing"},
      {R"({"prompt": 5})", "prompt", "a string or an array of token ids"},
      {R"({"prompt": [1, 100]})", "prompt", "prompt[1]"},
      {R"({"prompt": [1, -1]})", "prompt", "prompt[1]"},
      {R"({"prompt": [1, 2.5]})", "prompt", "prompt[1]"},
      {R"({"prompt": []})", "prompt", "no tokens"},
      {R"({"prompt": "a", "max_tokens": "5"})", "max_tokens", "max_tokens"},
      {R"({"prompt": "a", "max_tokens": 0})", "max_tokens", "1..32"},
      {R"({"prompt": "a", "max_tokens": 33})", "max_tokens", "1..32"},
      {R"({"prompt": "abcdefghij", "max_tokens": 30})", "max_tokens", "exceed the context of 32"},
      {R"({"prompt": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32]})",
       "prompt", "exceed the context"},
      {R"({"prompt": "a", "stream": "yes"})", "stream", "stream"},
      {R"({"prompt": "a", "stream_options": 1})", "stream_options", "stream_options"},
      {R"({"prompt": "a", "temperature": 0.7})", "temperature", "greedy"},
      {R"({"prompt": "a", "top_p": 0.9})", "top_p", "greedy"},
      {R"({"prompt": "a", "n": 2})", "n", "n"},
      {R"({"prompt": "a", "model": 3})", "model", "model"},
      {"{}", "messages", "missing", Endpoint::chat},
      {R"({"messages": []})", "messages", "empty", Endpoint::chat},
      {R"({"messages": [{"role": "user"}]})", "messages", "messages[0]", Endpoint::chat},
      {R"({"messages": [{"role": "user", "content": 7}]})", "messages", "messages[0].content", Endpoint::chat},
  };
  for (const Case& c : cases) {
    const ApiError e = refusal(c.body, c.ep);
    EXPECT_EQ(e.status, 400) << c.body;
    EXPECT_EQ(e.param, c.param) << c.body;
    EXPECT_NE(e.message.find(c.says), std::string::npos) << c.body << " -> " << e.message;
    const auto j = nlohmann::json::parse(error_body(e));
    EXPECT_EQ(j["error"]["type"], "invalid_request_error");
  }
}

TEST(ServeApi, BodiesAreOpenAIShaped) {
  auto j = nlohmann::json::parse(completion_body(Endpoint::completions, "cmpl-1", "m", 7, "hi", "length", 3, 2));
  EXPECT_EQ(j["object"], "text_completion");
  EXPECT_EQ(j["choices"][0]["text"], "hi");
  EXPECT_EQ(j["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(j["usage"]["total_tokens"], 5);
  j = nlohmann::json::parse(completion_body(Endpoint::chat, "c", "m", 7, "hi", "stop", 3, 2));
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["choices"][0]["message"]["content"], "hi");
  const std::string ev = stream_event(Endpoint::chat, "c", "m", 7, "x", nullptr);
  ASSERT_EQ(ev.rfind("data: ", 0), 0u);
  ASSERT_EQ(ev.substr(ev.size() - 2), "\n\n");
  j = nlohmann::json::parse(ev.substr(6));
  EXPECT_EQ(j["object"], "chat.completion.chunk");
  EXPECT_EQ(j["choices"][0]["delta"]["content"], "x");
  EXPECT_TRUE(j["choices"][0]["finish_reason"].is_null());
}

TEST(ServeApi, TokenBytesBecomeTextOnlyWhenACharacterIsComplete) {
  Utf8Joiner u;
  EXPECT_EQ(u.add("a\xE2"), "a");  // the first byte of a three-byte character is held
  EXPECT_EQ(u.add("\x82"), "");
  EXPECT_EQ(u.add("\xAC!"), "\xE2\x82\xAC!");  // the euro sign, then '!'
  EXPECT_EQ(u.add("\xFF"), "\xEF\xBF\xBD");    // a byte no character starts with
  EXPECT_EQ(u.add("\xC3"), "");
  EXPECT_EQ(u.add("x"), "\xEF\xBF\xBDx");  // a character cut short
  EXPECT_EQ(u.add("\xF0\x9F"), "");
  EXPECT_EQ(u.flush(), "\xEF\xBF\xBD\xEF\xBF\xBD");  // what is left at the end
  EXPECT_EQ(u.flush(), "");
}

}  // namespace
}  // namespace sb::serve
