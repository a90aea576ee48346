// The load generator's plan and summary as plain functions: arrival processes with the
// asked rate and burstiness, seeded plans, the questions made from the corpus, percentiles,
// goodput against the SLO with warm-up and cool-down left out, and the result cell.
#include <gtest/gtest.h>

#include <cmath>

#include "stratbench/harness/load/load_summary.hpp"
#include "stratbench/result/errors.hpp"

namespace sb::load {
namespace {

double mean_gap(const std::vector<double>& t) { return t.back() / static_cast<double>(t.size()); }

double gap_cv(const std::vector<double>& t) {
  double prev = 0, s = 0, s2 = 0;
  for (double x : t) {
    const double g = x - prev;
    prev = x;
    s += g;
    s2 += g * g;
  }
  const double n = static_cast<double>(t.size()), m = s / n;
  return std::sqrt(s2 / n - m * m) / m;
}

TEST(LoadPlan, ArrivalsHaveTheAskedRateAndBurstiness) {
  const int n = 20000;
  const auto poisson = arrival_times({ArrivalKind::poisson, 4, 1}, n, 1);
  EXPECT_NEAR(mean_gap(poisson), 0.25, 0.01);
  EXPECT_NEAR(gap_cv(poisson), 1.0, 0.05);
  const auto bursty = arrival_times(parse_arrivals("gamma:3", 4), n, 1);
  EXPECT_NEAR(mean_gap(bursty), 0.25, 0.02);
  EXPECT_NEAR(gap_cv(bursty), 3.0, 0.3);
  const auto steady = arrival_times(parse_arrivals("constant", 4), n, 1);
  EXPECT_NEAR(gap_cv(steady), 0.0, 1e-6);
  EXPECT_DOUBLE_EQ(steady[3], 1.0);
  EXPECT_EQ(arrival_times({ArrivalKind::poisson, 4, 1}, 50, 7), arrival_times({ArrivalKind::poisson, 4, 1}, 50, 7));
  EXPECT_NE(arrival_times({ArrivalKind::poisson, 4, 1}, 50, 7), arrival_times({ArrivalKind::poisson, 4, 1}, 50, 8));
  for (const char* bad : {"gamma", "gamma:", "gamma:0", "gamma:x", "uniform"})
    EXPECT_THROW(parse_arrivals(bad, 1), InputError) << bad;
}

std::string corpus() {
  std::string c;
  for (int i = 0; i < 6; ++i)
    c += "Paragraph " + std::to_string(i) + " explains how the kernel schedules threads, pipes and sockets, " +
         std::string(220, 'a' + static_cast<char>(i)) + " and what the scheduler does next.\n\n";
  c += std::string(300, ' ') + "\n\nshort\n\n";
  return c;
}

TEST(LoadPlan, QuestionsComeFromTheCorpusAtTheStatedLengthsAndRepeatWithTheSeed) {
  DatasetSpec d;
  d.context_min_chars = 100;
  d.context_max_chars = 150;
  d.answer_min_tokens = 5;
  d.answer_max_tokens = 9;
  const std::vector<double> t = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8};
  const auto p = plan_requests(corpus(), "c.txt", d, t, 3);
  ASSERT_EQ(p.size(), t.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_EQ(p[i].at_s, t[i]);
    EXPECT_GE(p[i].max_tokens, 5);
    EXPECT_LE(p[i].max_tokens, 9);
    ASSERT_EQ(p[i].prompt.rfind("Context: Paragraph ", 0), 0u) << p[i].prompt;
    const auto q = p[i].prompt.find("\nQuestion: What does the context say about ");
    ASSERT_NE(q, std::string::npos);
    EXPECT_GE(q - 9, 100u);
    EXPECT_LE(q - 9, 150u);
    EXPECT_EQ(p[i].prompt.substr(p[i].prompt.size() - 9), "?\nAnswer:");
  }
  EXPECT_EQ(plan_requests(corpus(), "c.txt", d, t, 3)[5].prompt, p[5].prompt);
  d.kind = DatasetKind::shared_prefix;
  d.prefix_chars = 400;
  const auto s = plan_requests(corpus(), "c.txt", d, t, 3);
  const std::string prefix = s[0].prompt.substr(0, s[0].prompt.find("Context: "));
  EXPECT_GE(prefix.size(), 390u);
  EXPECT_LE(prefix.size(), 401u);
  for (const auto& r : s) EXPECT_EQ(r.prompt.rfind(prefix, 0), 0u);
  try {
    plan_requests("short\n\nalso short", "tiny.txt", DatasetSpec{}, t, 1);
    ADD_FAILURE() << "a corpus without paragraphs was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tiny.txt"), std::string::npos);
  }
}

TEST(LoadPlan, ARepeatShareRepeatsEarlierRequestsAndLeavesTheOthersAsTheSeedGaveThem) {
  // Paragraphs of distinct words and a wide max_tokens range: two fresh requests are alike
  // about once in a million, so a request equal to an earlier one is a repeat.
  std::string big;
  for (int i = 0; i < 300; ++i) {
    big += "Paragraph";
    for (int w = 0; w < 6; ++w) big += " word" + std::string(1, static_cast<char>('a' + w)) + std::to_string(i);
    big += " " + std::string(200, 'x') + "\n\n";
  }
  DatasetSpec d;
  d.context_min_chars = d.context_max_chars = 1000;  // whole paragraphs
  d.answer_min_tokens = 1;
  d.answer_max_tokens = 100000;
  std::vector<double> t;
  for (int i = 0; i < 400; ++i) t.push_back(0.01 * i);
  const auto fresh = plan_requests(big, "big.txt", d, t, 5);
  d.repeat_share = 0.5;
  const auto mixed = plan_requests(big, "big.txt", d, t, 5);
  ASSERT_EQ(mixed.size(), t.size());
  int repeats = 0;
  std::size_t next_fresh = 0;  // the fresh requests come in the seed's order
  for (std::size_t i = 0; i < mixed.size(); ++i) {
    EXPECT_EQ(mixed[i].at_s, t[i]);
    bool earlier = false;
    for (std::size_t j = 0; j < i && !earlier; ++j)
      earlier = mixed[j].prompt == mixed[i].prompt && mixed[j].max_tokens == mixed[i].max_tokens;
    if (earlier) {
      ++repeats;
    } else {
      EXPECT_EQ(mixed[i].prompt, fresh[next_fresh].prompt) << i;
      EXPECT_EQ(mixed[i].max_tokens, fresh[next_fresh].max_tokens) << i;
      ++next_fresh;
    }
  }
  EXPECT_GT(repeats, 160);  // about 200 of 400
  EXPECT_LT(repeats, 240);
}

RequestRecord rec(double at, double ttft, int tokens, double gap, std::string error = {}) {
  RequestRecord r;
  r.scheduled_s = r.sent_s = at;
  for (int i = 0; i < tokens; ++i) r.token_s.push_back(at + ttft + i * gap);
  r.end_s = r.token_s.empty() ? at + ttft : r.token_s.back();
  r.tokens_out = tokens;
  r.error = std::move(error);
  r.status = r.error.empty() ? 200 : 429;
  return r;
}

TEST(LoadSummary, PercentilesGoodputAndTheMeasuredWindow) {
  std::vector<RequestRecord> r;
  r.reserve(100);
  // 100 requests one a second: TTFT 0.01 .. 1.00 s, 11 tokens 0.05 s apart (TPOT 50 ms).
  for (int i = 0; i < 100; ++i) r.push_back(rec(i, 0.01 * (i + 1), 11, 0.05));
  const Slo slo = parse_slo("ttft=500ms,tpot=80ms");
  LoadSummary s = summarize_load(r, 0, 0, slo);
  EXPECT_EQ(s.measured, 100);
  EXPECT_EQ(s.ok, 100);
  EXPECT_NEAR(s.ttft.p50, 0.50, 1e-9);  // nearest rank
  EXPECT_NEAR(s.ttft.p99, 0.99, 1e-9);
  EXPECT_NEAR(s.tpot.p99, 0.05, 1e-9);
  EXPECT_NEAR(s.itl.p50, 0.05, 1e-9);
  EXPECT_NEAR(s.slo_share, 0.50, 1e-9);  // TTFT <= 500 ms: the first 50
  EXPECT_FALSE(s.p99_meets_slo);
  EXPECT_NEAR(s.window_s, 99 + 1.0 + 0.5, 1e-9);
  EXPECT_NEAR(s.goodput_per_s, 50 / 100.5, 1e-9);
  EXPECT_NEAR(s.output_tokens_per_s, 1100 / 100.5, 1e-9);
  // Warm-up and cool-down: only arrivals in [10, 89] count.
  s = summarize_load(r, 10, 10, slo);
  EXPECT_EQ(s.measured, 80);
  EXPECT_EQ(s.sent, 100);
  // Errors are counted by kind, never meet the SLO, and fail the p99 judgement.
  r.clear();
  for (int i = 0; i < 10; ++i) r.push_back(rec(i, 0.1, 5, 0.01, i == 3 ? "http_429" : ""));
  s = summarize_load(r, 0, 0, slo);
  EXPECT_EQ(s.ok, 9);
  EXPECT_EQ(s.errors.at("http_429"), 1);
  EXPECT_NEAR(s.slo_share, 0.9, 1e-9);
  EXPECT_FALSE(s.p99_meets_slo);
  r.erase(r.begin() + 3);
  EXPECT_TRUE(summarize_load(r, 0, 0, slo).p99_meets_slo);
}

TEST(LoadSummary, TheResultCellIsAnOrdinaryCell) {
  std::vector<RequestRecord> r;
  r.reserve(20);
  for (int i = 0; i < 20; ++i) r.push_back(rec(i * 0.5, 0.02, 8, 0.01));
  const LoadSummary s = summarize_load(r, 0, 0, {});
  const Cell c = load_cell(s, r, "sched=continuous", {{"rate", 2.0}}, 0, 0);
  EXPECT_EQ(c.workload, "serve");
  EXPECT_EQ(c.status, CellStatus::ok);
  EXPECT_EQ(c.samples.at("time_s").size(), 20u);
  EXPECT_NEAR(c.metrics.latency_ms->p50, 90, 1e-6);
  EXPECT_EQ(c.metrics.throughput->unit, "tokens/s");
  EXPECT_NEAR(c.metrics.counters.at("ttft_p99_ms"), 20, 1e-6);
  EXPECT_EQ(c.id, load_cell(s, r, "sched=continuous", {{"rate", 2.0}}, 0, 0).id);
  EXPECT_NE(c.id, load_cell(s, r, "sched=fcfs", {{"rate", 2.0}}, 0, 0).id);
  std::vector<RequestRecord> bad = {rec(0, 0.1, 0, 0, "connect")};
  EXPECT_EQ(load_cell(summarize_load(bad, 0, 0, {}), bad, "x", {}, 0, 0).status, CellStatus::failed);
}

TEST(LoadSummary, SloAndEndpointSpellings) {
  EXPECT_DOUBLE_EQ(parse_slo("ttft=1.5s").ttft_s, 1.5);
  EXPECT_DOUBLE_EQ(parse_slo("tpot=80ms").tpot_s, 0.08);
  EXPECT_EQ(to_string(parse_slo("ttft=500ms,tpot=80ms")), "ttft=500ms,tpot=80ms");
  for (const char* bad : {"ttft=500", "ttft=-1ms", "itl=5ms", "ttft", "ttft=5ms,", "ttft=xms"})
    EXPECT_THROW(parse_slo(bad), InputError) << bad;
  EXPECT_EQ(parse_endpoint("http://127.0.0.1:8080").port, 8080);
  EXPECT_EQ(parse_endpoint("http://localhost:80/").host, "localhost");
  for (const char* bad : {"127.0.0.1:8080", "https://h:1", "http://h", "http://h:0", "http://h:70000", "http://h:1/v1"})
    EXPECT_THROW(parse_endpoint(bad), InputError) << bad;
  EXPECT_EQ(parse_balance("p2c"), Balance::power_of_two);
  EXPECT_THROW(parse_balance("random"), InputError);
}

}  // namespace
}  // namespace sb::load
