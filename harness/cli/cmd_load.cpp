// `stratbench load`: the load generator (harness/load/) against one or more OpenAI-
// compatible endpoints, at one or several request rates (open loop) or a concurrency
// (closed loop); a table, the capacity at the SLO, and a results file of `serve` cells.
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/harness/host_info.hpp"
#include "stratbench/harness/load/load_run.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/workloads/text/text_input.hpp"

namespace sb::cli {
namespace {

struct LoadCli {
  std::vector<std::string> urls;
  std::string balance = "rr", arrivals = "poisson", dataset = "qa", corpus, slo = "ttft=500ms,tpot=80ms";
  std::string label = "unlabelled", model, out;
  std::vector<double> rates;
  int concurrency = 0, requests = 100;
  load::DatasetSpec ds;
  std::uint64_t seed = 1;
  double warmup = -1, cooldown = -1, timeout = 300;
};

std::pair<int, int> parse_range(const std::string& flag, const std::string& v, int lo, int hi) {
  const auto dash = v.find('-');
  const int a = static_cast<int>(parse_int_in(flag, v.substr(0, dash), lo, hi));
  const int b = dash == std::string::npos ? a : static_cast<int>(parse_int_in(flag, v.substr(dash + 1), lo, hi));
  if (b < a) throw InputError(flag + ": '" + v + "' is not MIN-MAX with MIN <= MAX");
  return {a, b};
}

const std::vector<Flag<LoadCli>>& load_flags() {
  static const std::vector<Flag<LoadCli>> t = {
      {"--url", "", "URL", "an endpoint, http://HOST:PORT (repeat for replicas)",
       [](LoadCli& c, const std::string& v) { c.urls.push_back(v); }},
      {"--balance", "", "P", "how requests are spread over replicas: rr, least (outstanding), p2c (default rr)",
       [](LoadCli& c, const std::string& v) { c.balance = v; }},
      {"--rate", "", "R[,R..]", "open loop: requests per second; several rates run one after another",
       [](LoadCli& c, const std::string& v) {
         for (std::size_t at = 0; at <= v.size();) {
           std::size_t end = v.find(',', at);
           if (end == std::string::npos) end = v.size();
           const double r = parse_double("--rate", v.substr(at, end - at));
           if (!(r > 0 && r <= 1e5)) throw InputError("--rate: '" + v + "': each rate must be in (0, 100000]");
           c.rates.push_back(r);
           at = end + 1;
         }
       }},
      {"--concurrency", "", "N", "closed loop instead: N users, each sending when its last answer ends",
       [](LoadCli& c, const std::string& v) {
         c.concurrency = static_cast<int>(parse_int_in("--concurrency", v, 1, 4096));
       }},
      {"--arrivals", "", "A", "poisson, constant or gamma:CV (bursts when CV > 1) (default poisson)",
       [](LoadCli& c, const std::string& v) { c.arrivals = v; }},
      {"--requests", "-n", "N", "requests per rate (default 100)",
       [](LoadCli& c, const std::string& v) {
         c.requests = static_cast<int>(parse_int_in("--requests", v, 1, 1000000));
       }},
      {"--dataset", "", "D", "qa, or shared-prefix (one long system prefix before every prompt) (default qa)",
       [](LoadCli& c, const std::string& v) { c.dataset = v; }},
      {"--corpus", "", "FILE", "text the questions are made from (default the datasets' corpus.txt)",
       [](LoadCli& c, const std::string& v) { c.corpus = v; }},
      {"--context-chars", "", "MIN-MAX", "context paragraph length, uniform (default 150-500)",
       [](LoadCli& c, const std::string& v) {
         std::tie(c.ds.context_min_chars, c.ds.context_max_chars) = parse_range("--context-chars", v, 1, 1 << 20);
       }},
      {"--answer-tokens", "", "MIN-MAX", "max_tokens per request, uniform (default 16-48)",
       [](LoadCli& c, const std::string& v) {
         std::tie(c.ds.answer_min_tokens, c.ds.answer_max_tokens) = parse_range("--answer-tokens", v, 1, 1 << 20);
       }},
      {"--prefix-chars", "", "N", "shared-prefix: the prefix's length (default 1500)",
       [](LoadCli& c, const std::string& v) {
         c.ds.prefix_chars = static_cast<int>(parse_int_in("--prefix-chars", v, 1, 1 << 20));
       }},
      {"--high-share", "", "P",
       "two priority classes: this share of the requests (0..1) is sent with \"priority\": 1, and each "
       "class's latencies are reported",
       [](LoadCli& c, const std::string& v) {
         c.ds.high_share = parse_double("--high-share", v);
         if (!(c.ds.high_share >= 0 && c.ds.high_share <= 1))
           throw InputError("--high-share: '" + v + "' is not in 0..1");
       }},
      {"--repeat-share", "", "P",
       "this share of the requests (0..1) repeats an earlier request exactly (what an answer cache serves)",
       [](LoadCli& c, const std::string& v) {
         c.ds.repeat_share = parse_double("--repeat-share", v);
         if (!(c.ds.repeat_share >= 0 && c.ds.repeat_share <= 1))
           throw InputError("--repeat-share: '" + v + "' is not in 0..1");
       }},
      {"--slo", "", "SPEC", "the objective goodput counts, e.g. ttft=500ms,tpot=80ms (the default)",
       [](LoadCli& c, const std::string& v) { c.slo = v; }},
      {"--warmup", "", "S", "seconds of arrivals not measured at the start (default: the first 10%)",
       [](LoadCli& c, const std::string& v) { c.warmup = parse_double("--warmup", v); }},
      {"--cooldown", "", "S", "seconds of arrivals not measured at the end (default: the last 10%)",
       [](LoadCli& c, const std::string& v) { c.cooldown = parse_double("--cooldown", v); }},
      {"--seed", "", "N", "arrivals and requests (default 1)",
       [](LoadCli& c, const std::string& v) {
         c.seed = static_cast<std::uint64_t>(parse_int_in("--seed", v, 0, 1LL << 62));
       }},
      {"--label", "", "S", "the server's strategy, recorded as the cells' strategy (default unlabelled)",
       [](LoadCli& c, const std::string& v) { c.label = v; }},
      {"--model", "", "NAME", "sent as the requests' model field",
       [](LoadCli& c, const std::string& v) { c.model = v; }},
      {"--timeout", "", "S", "seconds per request before it counts as an error (default 300)",
       [](LoadCli& c, const std::string& v) { c.timeout = parse_double("--timeout", v); }},
      {"--output", "-o", "FILE", "write the results file (one serve cell per rate)",
       [](LoadCli& c, const std::string& v) { c.out = v; }},
      {"--help", "-h", "", "this help", [](LoadCli&, const std::string&) {}},
  };
  return t;
}

std::string ms(double s) { return fmt_fixed(s * 1000, 1); }

}  // namespace

int cmd_load(const Args& args, const std::string& command_line) {
  if (wants_help(args)) {
    std::cout << "usage: stratbench load --url http://HOST:PORT (--rate R[,R..] | --concurrency N) [options]\n\n"
                 "Question-answering requests (streaming completions) against OpenAI-compatible servers:\n"
                 "time to first token, inter-token latency, time per output token, end to end, and\n"
                 "goodput (requests/s meeting the SLO). With several rates, the capacity is the highest\n"
                 "rate whose p99 TTFT and p99 TPOT meet the SLO with no errors.\n\n"
              << flags_help(load_flags());
    return 0;
  }
  LoadCli c;
  std::vector<std::string> pos;
  parse_flags(load_flags(), args, c, pos);
  if (!pos.empty()) throw InputError("load takes no positional arguments (got '" + pos[0] + "')");
  if (c.urls.empty()) throw InputError("load: give at least one --url");
  if (c.rates.empty() == (c.concurrency == 0)) throw InputError("load: give one of --rate or --concurrency");
  if (c.dataset != "qa" && c.dataset != "shared-prefix")
    throw InputError("--dataset: '" + c.dataset + "' is not qa or shared-prefix");
  if (!(c.timeout > 0)) throw InputError("--timeout: must be positive");
  if (!c.out.empty()) check_output_path(c.out);
  load::ClientOptions co;
  for (const auto& u : c.urls) co.endpoints.push_back(load::parse_endpoint(u));
  co.balance = load::parse_balance(c.balance);
  co.concurrency = c.concurrency;
  co.timeout_s = c.timeout;
  co.model = c.model;
  co.seed = c.seed;
  const load::Slo slo = load::parse_slo(c.slo);
  c.ds.kind = c.dataset == "qa" ? load::DatasetKind::qa : load::DatasetKind::shared_prefix;
  const std::string corpus = c.corpus.empty() ? text::datasets_dir() + "/corpus/corpus.txt" : c.corpus;
  std::vector<char> buf;
  text::read_file_into(corpus, buf);
  const std::string text(buf.begin(), buf.end());
  buf = {};

  RunFile run;
  run.run.started = utc_timestamp();
  run.run.id = run.run.started + "-load";
  run.run.command = command_line;
  run.run.git = collect_git_info();
  run.run.host = collect_host_info();
  TextTable table({"load", "ok", "errors", "req/s", "tok/s", "TTFT p50", "TTFT p99", "TPOT p50", "TPOT p99", "ITL p99",
                   "goodput/s", "SLO met", "send lag max"});
  const std::vector<double> levels = c.rates.empty() ? std::vector<double>{0} : c.rates;
  double capacity = 0;
  std::vector<std::string> notes;
  for (double rate : levels) {
    std::cerr << "load: " << (rate > 0 ? fmt_fixed(rate, 2) + " req/s" : std::to_string(c.concurrency) + " users")
              << ", " << c.requests << " requests ..." << std::endl;
    const load::LevelRun lr =
        load::run_level(text, corpus, {rate, c.requests, c.arrivals, c.ds, c.seed, c.warmup, c.cooldown, slo}, co);
    const auto& recs = lr.recs;
    const load::LoadSummary& s = lr.summary;
    const double warm = lr.warmup_s, cool = lr.cooldown_s;
    Params p;
    if (rate > 0)
      p["rate"] = rate;
    else
      p["concurrency"] = static_cast<std::int64_t>(c.concurrency);
    p["dataset"] = c.dataset;
    if (c.ds.high_share > 0) p["high_share"] = c.ds.high_share;
    if (c.ds.repeat_share > 0) p["repeat_share"] = c.ds.repeat_share;
    p["slo"] = load::to_string(slo);
    run.cells.push_back(load::load_cell(s, recs, c.label, p, warm, cool));
    if (c.ds.high_share > 0) {
      // Each class on its own: the high class's latencies are what priority scheduling buys.
      for (int cls : {1, 0}) {
        std::vector<load::RequestRecord> part;
        for (const auto& r : recs)
          if (r.priority == cls) part.push_back(r);
        const load::LoadSummary cs = load::summarize_load(part, warm, cool, slo);
        const std::string pre = cls == 1 ? "high_" : "low_";
        auto& k = run.cells.back().metrics.counters;
        k[pre + "requests_ok"] = cs.ok;
        k[pre + "ttft_p50_ms"] = cs.ttft.p50 * 1000;
        k[pre + "ttft_p99_ms"] = cs.ttft.p99 * 1000;
        k[pre + "tpot_p99_ms"] = cs.tpot.p99 * 1000;
        notes.push_back(std::string(cls == 1 ? "high" : "low") + " priority at " +
                        (rate > 0 ? fmt_fixed(rate, 2) + "/s" : "closed loop") + ": " + std::to_string(cs.ok) +
                        " ok, TTFT p50 " + ms(cs.ttft.p50) + " p99 " + ms(cs.ttft.p99) + ", TPOT p99 " +
                        ms(cs.tpot.p99));
      }
    }
    int errors = 0;
    for (const auto& [k, n] : s.errors) errors += n;
    for (const auto& [k, n] : s.errors)
      for (const auto& r : recs)
        if (r.error == k) {
          notes.push_back("errors: " + std::to_string(n) + " " + k + " at " +
                          (rate > 0 ? fmt_fixed(rate, 2) + "/s" : "closed loop") + ", e.g.: " + r.detail);
          break;
        }
    if (rate > 0 && s.p99_meets_slo) capacity = std::max(capacity, rate);
    table.add_row({rate > 0 ? fmt_fixed(rate, 2) + "/s" : std::to_string(c.concurrency) + " users",
                   std::to_string(s.ok), std::to_string(errors), fmt_fixed(s.requests_per_s, 2),
                   fmt_fixed(s.output_tokens_per_s, 1), ms(s.ttft.p50), ms(s.ttft.p99), ms(s.tpot.p50), ms(s.tpot.p99),
                   ms(s.itl.p99), fmt_fixed(s.goodput_per_s, 2), fmt_fixed(s.slo_share * 100, 0) + "%",
                   ms(s.send_lag_max_s)});
  }
  run.run.finished = utc_timestamp();
  std::cout << table.render() << "(times in ms; SLO " << load::to_string(slo) << ", p99 judged)\n";
  for (const auto& n : notes) std::cout << n << "\n";
  if (!c.rates.empty())
    std::cout << "capacity: " << (capacity > 0 ? fmt_fixed(capacity, 2) + " req/s" : "none of the rates")
              << " meets the SLO at p99\n";
  if (!c.out.empty()) {
    write_run_file_atomic(c.out, run);
    std::cout << "results: " << c.out << "\n";
  }
  return 0;
}

}  // namespace sb::cli
