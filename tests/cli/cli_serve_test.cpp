// `stratbench serve` as a real process on a free port, driven over HTTP with cpp-httplib's
// client: OpenAI-shaped answers, streaming one event per token, every bad input the issue
// lists, KV blocks back in the pool after completion and after a client disconnects, and
// SIGTERM draining the request in flight before exiting 0.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_test_util.hpp"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class Server {
 public:
  explicit Server(std::vector<std::string> extra) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      std::vector<std::string> args = {STRATBENCH_TEST_BIN,
                                       "serve",
                                       "--port",
                                       "0",
                                       "--model",
                                       std::string(STRATBENCH_DATASETS) + "/model/teacher.gguf",
                                       "--ctx",
                                       "64"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      argv.reserve(args.size() + 1);
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
    const std::string first = read_line();
    std::smatch m;
    if (std::regex_search(first, m, std::regex("listening on http://127.0.0.1:([0-9]+)"))) port_ = std::stoi(m[1]);
    EXPECT_GT(port_, 0) << "serve printed: " << first;
  }
  ~Server() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }
  int port() const { return port_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }
  // SIGTERM, then the exit code and what it printed after its first line.
  int terminate(std::string* rest = nullptr) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    waited_ = true;
    std::string s;
    char buf[4096];
    for (ssize_t n; (n = ::read(out_, buf, sizeof buf)) > 0;) s.append(buf, static_cast<std::size_t>(n));
    if (rest) *rest = s;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  // A gauge or counter's value from /metrics.
  double metric(const std::string& name) const {
    auto r = client().Get("/metrics");
    if (!r) return -1;
    const std::size_t at = r->body.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stod(r->body.substr(at + name.size() + 2));
  }

 private:
  std::string read_line() {
    std::string s;
    char c;
    while (::read(out_, &c, 1) == 1 && c != '\n') s += c;
    return s;
  }
  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
  bool waited_ = false;
};

// A TCP connection to the server on loopback; -1 when it cannot connect.
int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

json post(httplib::Client& c, const std::string& path, const std::string& body, int* status = nullptr) {
  auto r = c.Post(path, body, "application/json");
  if (!r) {
    ADD_FAILURE() << "no answer to " << path;
    return {};
  }
  if (status) *status = r->status;
  return json::parse(r->body);
}

// The events of a streamed completion (the JSON of each data line; [DONE] as a string).
std::vector<json> stream(httplib::Client& c, const std::string& body) {
  auto r = c.Post("/v1/completions", httplib::Headers{}, body, "application/json");
  EXPECT_TRUE(r);
  if (!r) return {};
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/event-stream");
  std::vector<json> out;
  std::size_t at = 0;
  for (std::size_t end; (end = r->body.find("\n\n", at)) != std::string::npos; at = end + 2) {
    const std::string ev = r->body.substr(at, end - at);
    if (ev.rfind("data: ", 0) != 0) continue;  // comments (": waiting")
    out.push_back(ev == "data: [DONE]" ? json("[DONE]") : json::parse(ev.substr(6)));
  }
  return out;
}

TEST(CliServe, AnswersAndStreamsOneEventPerTokenWithTheSameText) {
  Server s({"-s", "sched=continuous", "--slots", "2"});
  auto c = s.client();
  int status = 0;
  const json whole = post(c, "/v1/completions", R"({"prompt": "The kernel", "max_tokens": 12})", &status);
  ASSERT_EQ(status, 200) << whole.dump();
  EXPECT_EQ(whole["object"], "text_completion");
  EXPECT_EQ(whole["usage"]["completion_tokens"], 12);
  EXPECT_EQ(whole["choices"][0]["finish_reason"], "length");
  const std::vector<json> ev = stream(c, R"({"prompt": "The kernel", "max_tokens": 12, "stream": true,
                                            "stream_options": {"include_usage": true}})");
  ASSERT_EQ(ev.size(), 12u + 3u);  // a token each, the finish, the usage, [DONE]
  std::string text;
  for (std::size_t i = 0; i < 13; ++i) text += ev[i]["choices"][0]["text"].get<std::string>();
  EXPECT_EQ(text, whole["choices"][0]["text"]);
  EXPECT_EQ(ev[12]["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(ev[13]["usage"]["completion_tokens"], 12);
  EXPECT_EQ(ev[14], "[DONE]");
  // Token ids give the same answer as their text.
  const json ids = post(c, "/v1/completions", R"({"prompt": [100, 200, 300], "max_tokens": 3})", &status);
  EXPECT_EQ(status, 200);
  const json chat = post(c, "/v1/chat/completions",
                         R"({"messages": [{"role": "user", "content": "What is a pipe?"}], "max_tokens": 4})", &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(chat["object"], "chat.completion");
  EXPECT_EQ(chat["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(s.metric("stratbench_kv_blocks_used"), 0);
  EXPECT_EQ(s.metric("stratbench_kv_blocks_free"), 2);
  EXPECT_EQ(s.client().Get("/health")->status, 200);
}

TEST(CliServe, RefusesBadInputByName) {
  Server s({"--max-body", "4096"});
  auto c = s.client();
  struct Case {
    std::string body;
    int status;
    std::string param;
  };
  const std::vector<Case> cases = {
      {"{\"prompt\": \"x\"", 400, ""},
      {R"({"prompt": "x", "max_tokens": "many"})", 400, "max_tokens"},
      {R"({"prompt": {"a": 1}})", 400, "prompt"},
      {R"({"prompt": [1, 99999]})", 400, "prompt"},
      {R"({"prompt": "x", "max_tokens": 65})", 400, "max_tokens"},
      {R"({"prompt": "x", "stream": 1})", 400, "stream"},
      {R"({"prompt": "x", "temperature": 1})", 400, "temperature"},
      {"{\"prompt\": \"" + std::string(300, 'x') +
           " and more words than a context of sixty-four holds, "
           "repeated: one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
           "sixteen seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four\"}",
       400, "prompt"},
      {"{\"prompt\": \"" + std::string(5000, 'x') + "\"}", 413, ""},
  };
  for (const Case& k : cases) {
    int status = 0;
    const json e = post(c, "/v1/completions", k.body, &status);
    EXPECT_EQ(status, k.status) << k.body.substr(0, 60) << " -> " << e.dump();
    EXPECT_TRUE(e["error"]["message"].is_string());
    if (!k.param.empty()) {
      EXPECT_EQ(e["error"]["param"], k.param) << e.dump();
    }
  }
  int status = 0;
  post(c, "/v1/nothing", "{}", &status);
  EXPECT_EQ(status, 404);
  EXPECT_EQ(s.metric("stratbench_kv_blocks_used"), 0);
}

TEST(CliServe, AFullQueueIs429WithRetryAfter) {
  Server s({"--slots", "1", "--queue", "1", "-s", "sched=fcfs", "--ctx", "256"});
  // A holds the only slot for 250 tokens, B waits in the queue, C finds it full.
  std::atomic<bool> a_done{false};
  std::thread a([&] {
    auto c = s.client();
    c.Post("/v1/completions", R"({"prompt": "a", "max_tokens": 250})", "application/json");
    a_done = true;
  });
  for (int i = 0; i < 500 && s.metric("stratbench_kv_blocks_used") < 1; ++i) std::this_thread::sleep_for(5ms);
  std::thread b([&] {
    auto c = s.client();
    c.Post("/v1/completions", R"({"prompt": "b", "max_tokens": 2})", "application/json");
  });
  for (int i = 0; i < 500 && s.metric("stratbench_queue_depth") < 1; ++i) std::this_thread::sleep_for(5ms);
  auto c = s.client();
  auto r = c.Post("/v1/completions", R"({"prompt": "c", "max_tokens": 2})", "application/json");
  ASSERT_TRUE(r);
  if (a_done) {
    std::printf("A finished before C was answered; the queue was not full: nothing to check\n");
  } else {
    EXPECT_EQ(r->status, 429) << r->body;
    EXPECT_EQ(r->get_header_value("Retry-After"), "1");
    EXPECT_EQ(json::parse(r->body)["error"]["type"], "rate_limit_error");
  }
  a.join();
  b.join();
  EXPECT_EQ(s.metric("stratbench_kv_blocks_used"), 0);
  EXPECT_EQ(s.metric("stratbench_requests_total{outcome=\"completed\"}"), a_done ? 2 + (r->status == 200) : 2);
}

class CliServeKv : public ::testing::TestWithParam<std::string> {};

TEST_P(CliServeKv, AClientThatDisconnectsMidStreamFreesItsKvBlocksAtOnce) {
  Server s({"--slots", "2", "--kv-block", "4", "-s", "sched=continuous+kv=" + GetParam()});
  // A plain socket, so that the test decides exactly when the client goes away.
  const int fd = connect_to(s.port());
  ASSERT_GE(fd, 0);
  const std::string body = R"({"prompt": "The kernel", "max_tokens": 60, "stream": true})";
  const std::string req =
      "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  ASSERT_EQ(::write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
  std::string got;
  char buf[512];
  auto events = [&] {
    int n = 0;
    for (std::size_t at = 0; (at = got.find("data: ", at)) != std::string::npos; ++at) ++n;
    return n;
  };
  while (events() < 3) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    ASSERT_GT(n, 0);
    got.append(buf, static_cast<std::size_t>(n));
  }
  // contiguous: the slot's one block; paged: 4 prompt tokens and 3 generated, 2 blocks of 4
  // (or 3 when the server is a token ahead of what the client read).
  const double held = s.metric("stratbench_kv_blocks_used");
  if (GetParam() == "contiguous") {
    EXPECT_EQ(held, 1);
  } else {
    EXPECT_GE(held, 2);
  }
  ::close(fd);
  double used = 1;
  for (int i = 0; i < 200 && (used = s.metric("stratbench_kv_blocks_used")) != 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(used, 0) << "the KV block of a client that left was not freed within 2 s";
  EXPECT_EQ(s.metric("stratbench_requests_total{outcome=\"cancelled\"}"), 1);
  EXPECT_EQ(s.metric("stratbench_request_kv_frees_total"), 1);
  EXPECT_LT(s.metric("stratbench_generated_tokens_total"), 60);
}

INSTANTIATE_TEST_SUITE_P(Kv, CliServeKv, ::testing::Values("contiguous", "paged"));

TEST(CliServe, AClientTooSlowToSendItsRequestIsDropped) {
  Server s({"--read-timeout", "1"});
  const int fd = connect_to(s.port());
  ASSERT_GE(fd, 0);
  const std::string part = "POST /v1/completions HTTP/1.1\r\nHost: x\r\n";  // and then nothing
  ASSERT_EQ(::write(fd, part.data(), part.size()), static_cast<ssize_t>(part.size()));
  const auto t0 = std::chrono::steady_clock::now();
  char buf[256];
  const ssize_t n = ::read(fd, buf, sizeof buf);  // the server closes the connection
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(fd);
  // Closed outright, or answered with a 4xx and closed; either way not before the timeout.
  if (n > 0) {
    EXPECT_EQ(std::string(buf, 10), "HTTP/1.1 4") << std::string(buf, static_cast<std::size_t>(n));
  }
  EXPECT_GT(waited, 0.5);
  EXPECT_LT(waited, 10);
  EXPECT_EQ(s.client().Get("/health")->status, 200);  // and goes on serving
}

TEST(CliServe, SigtermFinishesTheRequestInFlightThenExitsZero) {
  Server s({});
  json answer;
  int status = 0;
  std::thread t([&] {
    auto c = s.client();
    answer = post(c, "/v1/completions", R"({"prompt": "The kernel", "max_tokens": 60})", &status);
  });
  for (int i = 0; i < 500 && s.metric("stratbench_running_batch_size") < 1; ++i) std::this_thread::sleep_for(5ms);
  std::string printed;
  const int code = s.terminate(&printed);
  t.join();
  EXPECT_EQ(code, 0) << printed;
  EXPECT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(answer["usage"]["completion_tokens"], 60);
  EXPECT_NE(printed.find("1 completed, 0 cancelled"), std::string::npos) << printed;
}

// `stratbench load` against `stratbench serve`: a results file of one ordinary serve cell that
// report and compare read; and its bad inputs exit 2 naming the flag.
TEST(CliLoad, MeasuresAServerIntoAnOrdinaryResultsFile) {
  Server s({"--ctx", "256", "-s", "sched=continuous"});
  const std::string dir = sb::test::fresh_dir("load-e2e");
  const std::string url = "http://127.0.0.1:" + std::to_string(s.port());
  sb::test::Proc p = sb::test::run_cli({"load", "--url", url, "--rate", "20", "-n", "12", "--context-chars", "100-200",
                                        "--answer-tokens", "4-8", "--label", "sched=continuous", "--warmup", "0",
                                        "--cooldown", "0", "-o", dir + "/load.json"});
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  EXPECT_NE(p.out.find("capacity: "), std::string::npos) << p.out;  // what it is depends on the machine
  const json r = json::parse(sb::test::slurp(dir + "/load.json"));
  ASSERT_EQ(r["cells"].size(), 1u);
  const json& c = r["cells"][0];
  EXPECT_EQ(c["workload"], "serve");
  EXPECT_EQ(c["strategy"], "sched=continuous");
  EXPECT_EQ(c["status"], "ok");
  EXPECT_EQ(c["samples"]["time_s"].size(), 12u);
  EXPECT_EQ(c["metrics"]["counters"]["errors"], 0);
  EXPECT_GT(c["metrics"]["counters"]["ttft_p99_ms"].get<double>(), 0);
  EXPECT_EQ(s.metric("stratbench_requests_total{outcome=\"completed\"}"), 12);
  EXPECT_EQ(s.metric("stratbench_kv_blocks_used"), 0);
  sb::test::Proc rep = sb::test::run_cli({"report", dir + "/load.json"});
  EXPECT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_NE(rep.out.find("serve"), std::string::npos);
  sb::test::Proc cmp = sb::test::run_cli({"compare", dir + "/load.json", dir + "/load.json"});
  EXPECT_EQ(cmp.exit_code, 0) << cmp.out << cmp.err;
}

TEST(CliLoad, BadInputExitsTwoNamingTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"load", "--rate", "1"}, "--url"},
      {{"load", "--url", "http://127.0.0.1:1"}, "--rate or --concurrency"},
      {{"load", "--url", "http://127.0.0.1:1", "--rate", "1", "--concurrency", "2"}, "--rate or --concurrency"},
      {{"load", "--url", "localhost:80", "--rate", "1"}, "--url"},
      {{"load", "--url", "http://127.0.0.1:1", "--rate", "0"}, "--rate"},
      {{"load", "--url", "http://127.0.0.1:1", "--rate", "1", "--slo", "ttft=5"}, "--slo"},
      {{"load", "--url", "http://127.0.0.1:1", "--rate", "1", "--arrivals", "gamma:-1"}, "--arrivals"},
      {{"load", "--url", "http://127.0.0.1:1", "--rate", "1", "--balance", "random"}, "--balance"},
      {{"load", "--url", "http://127.0.0.1:1", "--rate", "1", "--dataset", "chat"}, "--dataset"},
      {{"load", "--url", "http://127.0.0.1:1", "--rate", "1", "--context-chars", "9-3"}, "--context-chars"},
      {{"load", "--url", "http://127.0.0.1:1", "--rate", "1", "--corpus", "/nonexistent/c.txt"}, "/nonexistent/c.txt"},
  };
  for (const auto& [args, names] : cases) {
    const sb::test::Proc p = sb::test::run_cli(args);
    EXPECT_EQ(p.exit_code, 2) << args.back() << ": " << p.out << p.err;
    EXPECT_NE(p.err.find(names), std::string::npos) << p.err;
  }
}

TEST(CliLoad, AServerThatIsNotThereIsAFailedCellNotACrash) {
  const std::string dir = sb::test::fresh_dir("load-refused");
  // A port nothing listens on: bind one, close it, use its number.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  const sb::test::Proc p = sb::test::run_cli({"load", "--url", url, "--rate", "50", "-n", "5", "-o", dir + "/r.json"});
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("connect"), std::string::npos) << p.out;
  const json r = json::parse(sb::test::slurp(dir + "/r.json"));
  EXPECT_EQ(r["cells"][0]["status"], "failed");
}

}  // namespace
