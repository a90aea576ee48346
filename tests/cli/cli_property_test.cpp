// A property of the whole CLI (issue: hostile input): for generated bad input of every kind
// (flag values, and mutated results files, run logs, matrix files, policies and token
// ids), stratbench exits 2 with a message naming the flag or the file, leaves no file
// behind, and never exits 3 ("internal error") or dies of a signal. The generator is
// seeded; a failure prints the seed, the arguments and the input.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>

#include "../reports/gate_fixture.hpp"
#include "cli_test_util.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::test {
namespace {

constexpr unsigned kSeed = 20261202;

std::set<std::string> listing(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) out.insert(e.path().string());
  return out;
}

// Spans of JSON number and string *values* (not keys), found by a scanner that knows
// when it is inside a string.
struct Spans {
  std::vector<std::pair<std::size_t, std::size_t>> numbers, strings;
};

Spans value_spans(const std::string& s) {
  Spans out;
  char prev = 0;  // last structural character outside strings
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '"') {
      std::size_t j = i + 1;
      while (j < s.size() && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
      std::size_t k = j + 1;
      while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
      if (k >= s.size() || s[k] != ':') out.strings.push_back({i, j + 1 - i});
      i = j + 1;
      prev = '"';
    } else if ((c == '-' || std::isdigit(static_cast<unsigned char>(c))) &&
               (prev == ':' || prev == '[' || prev == ',')) {
      std::size_t j = i + 1;
      while (j < s.size() && std::strchr("0123456789.eE+-", s[j])) ++j;
      out.numbers.push_back({i, j - i});
      i = j;
      prev = '0';
    } else {
      if (!std::isspace(static_cast<unsigned char>(c))) prev = c;
      ++i;
    }
  }
  return out;
}

// One mutation that always makes the document invalid for its reader.
std::string mutate(const std::string& text, std::mt19937& rng, bool strings_too, bool log) {
  std::string s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  const Spans sp = value_spans(s);
  const int kind = std::uniform_int_distribution<int>(0, strings_too ? 2 : 1)(rng);
  if (kind == 1 && !sp.numbers.empty()) {
    const auto [at, len] = sp.numbers[std::uniform_int_distribution<std::size_t>(0, sp.numbers.size() - 1)(rng)];
    const char* big[] = {"1e400", "-1e999", "123e45678"};
    return s.replace(at, len, big[rng() % 3]) + "\n";
  }
  if (kind == 2 && !sp.strings.empty()) {
    const auto [at, len] = sp.strings[std::uniform_int_distribution<std::size_t>(0, sp.strings.size() - 1)(rng)];
    return s.replace(at, len, "{}") + "\n";
  }
  // Cut strictly inside the document (a log: inside its header line, since a torn *last*
  // line is what a killed runner leaves and is forgiven): no document survives that.
  const std::size_t end = log ? std::min(s.find('\n'), s.size()) : s.size();
  return s.substr(0, std::uniform_int_distribution<std::size_t>(1, end - 2)(rng));
}

struct Template {
  std::string name, text;
  bool strings_too;
  // The command that reads FILE (the mutated copy); dir holds the valid companions.
  std::function<std::vector<std::string>(const std::string& file, const std::string& dir)> command;
};

class CliProperty : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Per process: CTest runs each test of this suite in its own process, in parallel.
    valid_ = fresh_dir("property-valid-" + std::to_string(::getpid()));
    auto [base, next] = crafted_pair(1.0, 1.0, 1.0, 1.0);
    write_run_file_atomic(valid_ + "/base.json", base);
    std::ofstream(valid_ + "/policy.json")
        << R"({"schema":"stratbench/policy/v1","timing":{"alpha":0.01,"min_ratio":1.02}})";
    Proc p = run_cli({"run", "-w", "fault", "-p", "index=1-2", "--min-samples", "3", "--budget", "0", "--warmup", "0",
                      "--sample-time", "0.01", "-o", valid_ + "/run.json"});
    ASSERT_EQ(p.exit_code, 0) << p.err;
  }
  static std::string valid_;
};
std::string CliProperty::valid_;

TEST_F(CliProperty, BadFlagValuesExitTwoNamingTheFlag) {
  const std::vector<std::string> flags = {"--timeout",     "--memory-limit", "--target-rse",
                                          "--min-samples", "--max-samples",  "--budget",
                                          "--sample-time", "--warmup",       "--inject-slowdown"};
  // Bad for every one of those flags.
  const std::vector<std::string> values = {"",    "abc", "1e400", "-1e400", "NaN",         "inf", "-inf", "-1",
                                           "1,5", "5x",  "--",    "٣",      "4294967299x", "0x",  " "};
  std::mt19937 rng(kSeed);
  const std::string dir = fresh_dir("property-flags-" + std::to_string(::getpid()));
  for (int i = 0; i < 60; ++i) {
    const std::string flag = flags[rng() % flags.size()], value = values[rng() % values.size()];
    const bool inline_form = rng() % 2;
    std::vector<std::string> args = {"run", "-w", "fault", "--dry-run"};
    if (inline_form)
      args.push_back(flag + "=" + value);
    else
      args.insert(args.end(), {flag, value});
    Proc p = run_cli(args, dir);
    const std::string what =
        "seed " + std::to_string(kSeed) + " case " + std::to_string(i) + ": " + flag + " '" + value + "'";
    EXPECT_EQ(p.exit_code, 2) << what << "\n" << p.err << p.out;
    EXPECT_NE(p.err.find(flag), std::string::npos) << what << "\n" << p.err;
    EXPECT_EQ(file_count(dir), 0) << what;
  }
}

TEST_F(CliProperty, MutatedInputFilesExitTwoNamingTheFileAndLeaveNothing) {
  const std::string v = valid_;
  const std::vector<Template> templates = {
      {"results.json", slurp(v + "/base.json"), true,
       [](const std::string& f, const std::string&) {
         return std::vector<std::string>{"report", f, "--format", "csv"};
       }},
      {"new.json", slurp(v + "/base.json"), true,
       [](const std::string& f, const std::string& d) {
         return std::vector<std::string>{"compare", d + "/base.json", f};
       }},
      {"gated.json", slurp(v + "/base.json"), true,
       [](const std::string& f, const std::string& d) {
         return std::vector<std::string>{"gate", "--policy", d + "/policy.json", d + "/base.json", f};
       }},
      {"stored.json", slurp(v + "/base.json"), true,
       [](const std::string& f, const std::string&) {
         return std::vector<std::string>{"history", "add", f, "--db", f + ".db"};
       }},
      {"policy.json", slurp(v + "/policy.json"), true,
       [](const std::string& f, const std::string& d) {
         return std::vector<std::string>{"gate", "--policy", f, d + "/base.json", d + "/base.json"};
       }},
      {"matrix.json",
       R"({"matrices":[{"workloads":["fault"],"params":{"index":[1,2],"ms":"0"}}],"measure":{"min_samples":3,"budget_s":0.5},"runner":{"timeout_s":30}})",
       true,
       [](const std::string& f, const std::string&) {
         return std::vector<std::string>{"run", "--dry-run", "-m", f};
       }},
      {"run.jsonl", slurp(v + "/run.jsonl"), true,
       [](const std::string& f, const std::string&) {
         return std::vector<std::string>{"run", "--resume", f};
       }},
      {"ids.json", "[31373, 995, 0, 50256]", false,
       [](const std::string& f, const std::string&) {
         return std::vector<std::string>{"tokenize", "--decode", f};
       }},
  };
  std::mt19937 rng(kSeed + 1);
  for (int i = 0; i < 160; ++i) {
    const Template& t = templates[static_cast<std::size_t>(i) % templates.size()];
    const std::string dir = fresh_dir("property-files-" + std::to_string(::getpid()));
    const std::string file = dir + "/" + t.name;
    const std::string text = mutate(t.text, rng, t.strings_too, t.name.ends_with(".jsonl"));
    std::ofstream(file) << text;
    const auto before = listing(dir);
    const auto args = t.command(file, v);
    Proc p = run_cli(args, dir);
    std::string what = "seed " + std::to_string(kSeed + 1) + " case " + std::to_string(i) + ":";
    for (const auto& a : args) what += " " + a;
    what += "\ninput: " + text.substr(0, 600);
    EXPECT_EQ(p.exit_code, 2) << what << "\nstderr: " << p.err << "\nstdout: " << p.out.substr(0, 300);
    EXPECT_EQ(p.err.find("internal error"), std::string::npos) << what << "\n" << p.err;
    EXPECT_NE(p.err.find(t.name), std::string::npos) << what << "\nstderr: " << p.err;
    EXPECT_EQ(listing(dir), before) << what << "\nsomething was left behind";
  }
}

}  // namespace
}  // namespace sb::test
