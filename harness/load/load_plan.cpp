#include "stratbench/harness/load/load_plan.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <random>

#include "stratbench/result/errors.hpp"

namespace sb::load {

std::vector<double> arrival_times(const Arrivals& a, int n, std::uint64_t seed) {
  SB_CHECK(a.rate > 0 && n >= 0);
  std::mt19937_64 rng(seed);
  std::vector<double> t;
  t.reserve(static_cast<std::size_t>(n));
  double now = 0;
  // Gamma gaps with mean 1/rate and the given CV: shape 1/cv^2, scale cv^2/rate.
  std::gamma_distribution<double> gamma(1.0 / (a.cv * a.cv), a.cv * a.cv / a.rate);
  std::exponential_distribution<double> expo(a.rate);
  for (int i = 0; i < n; ++i) {
    switch (a.kind) {
      case ArrivalKind::poisson: now += expo(rng); break;
      case ArrivalKind::gamma: now += gamma(rng); break;
      case ArrivalKind::constant: now += 1.0 / a.rate; break;
    }
    t.push_back(now);
  }
  return t;
}

Arrivals parse_arrivals(const std::string& spelled, double rate) {
  Arrivals a;
  a.rate = rate;
  if (spelled == "poisson") return a;
  if (spelled == "constant") {
    a.kind = ArrivalKind::constant;
    return a;
  }
  if (spelled.rfind("gamma:", 0) == 0) {
    const std::string v = spelled.substr(6);
    double cv = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), cv);
    if (ec == std::errc() && p == v.data() + v.size() && cv > 0 && cv <= 100) {
      a.kind = ArrivalKind::gamma;
      a.cv = cv;
      return a;
    }
  }
  throw InputError("--arrivals: '" + spelled + "' is not poisson, constant or gamma:CV (CV a number in (0, 100])");
}

namespace {

std::vector<std::string> paragraphs(const std::string& text, std::size_t min_chars) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find("\n\n", at);
    if (end == std::string::npos) end = text.size();
    std::string p = text.substr(at, end - at);
    for (char& c : p)
      if (c == '\n' || c == '\t') c = ' ';
    // English prose only: the corpus also holds manuals in Japanese, Chinese and Russian,
    // whose characters cost several tokens each, so a length in characters would say
    // little about a prompt's length in tokens.
    const auto ascii =
        std::count_if(p.begin(), p.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) == 0; });
    const auto letters =
        std::count_if(p.begin(), p.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
    const auto first = p.find_first_not_of(' ');
    p = first == std::string::npos ? std::string() : p.substr(first, p.find_last_not_of(' ') - first + 1);
    if (p.size() >= min_chars && ascii * 100 >= static_cast<std::ptrdiff_t>(p.size()) * 98 &&
        letters * 2 >= static_cast<std::ptrdiff_t>(p.size()))  // prose, not tables or blank runs
      out.push_back(std::move(p));
    at = end + 2;
  }
  return out;
}

// Cuts at a byte that starts a UTF-8 character, at or before n.
std::string cut(const std::string& s, std::size_t n) {
  if (n >= s.size()) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> w;
  std::string cur;
  for (char c : s) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      cur += c;
    } else {
      if (cur.size() >= 5) w.push_back(cur);
      cur.clear();
    }
  }
  if (cur.size() >= 5) w.push_back(cur);
  return w;
}

}  // namespace

std::vector<PlannedRequest> plan_requests(const std::string& corpus_text, const std::string& corpus_name,
                                          const DatasetSpec& d, const std::vector<double>& times, std::uint64_t seed) {
  SB_CHECK(d.context_min_chars <= d.context_max_chars && d.answer_min_tokens <= d.answer_max_tokens);
  const std::vector<std::string> paras = paragraphs(corpus_text, 200);
  if (paras.empty())
    throw InputError(corpus_name + ": no paragraph of 200 characters or more (98% ASCII) to ask about");
  std::string prefix;
  if (d.kind == DatasetKind::shared_prefix) {
    prefix = "System: answer from the context below, briefly. Reference text: ";
    for (std::size_t i = 0; prefix.size() < static_cast<std::size_t>(d.prefix_chars) && i < paras.size(); ++i)
      prefix += paras[i] + " ";
    prefix = cut(prefix, static_cast<std::size_t>(d.prefix_chars)) + "\n";
  }
  std::mt19937_64 rng(seed ^ 0x9E3779B97F4A7C15ull);
  std::uniform_int_distribution<std::size_t> pick(0, paras.size() - 1);
  std::uniform_int_distribution<int> ctx_len(d.context_min_chars, d.context_max_chars);
  std::uniform_int_distribution<int> ans_len(d.answer_min_tokens, d.answer_max_tokens);
  std::bernoulli_distribution high(d.high_share);
  // Repeats draw from their own generator, so that the other requests stay those of the
  // seed without repeats.
  std::mt19937_64 again(seed ^ 0xD1B54A32D192ED03ull);
  std::bernoulli_distribution repeat(d.repeat_share);
  std::vector<PlannedRequest> out;
  for (double t : times) {
    if (!out.empty() && d.repeat_share > 0 && repeat(again)) {
      PlannedRequest r = out[std::uniform_int_distribution<std::size_t>(0, out.size() - 1)(again)];
      r.at_s = t;
      out.push_back(std::move(r));
      continue;
    }
    const std::string& p = paras[pick(rng)];
    const std::string context = cut(p, static_cast<std::size_t>(ctx_len(rng)));
    const std::vector<std::string> w = words(context);
    const std::string about = w.empty() ? "this" : w[std::uniform_int_distribution<std::size_t>(0, w.size() - 1)(rng)];
    PlannedRequest r;
    r.at_s = t;
    r.prompt = prefix + "Context: " + context + "\nQuestion: What does the context say about " + about + "?\nAnswer:";
    r.max_tokens = ans_len(rng);
    r.priority = d.high_share > 0 && high(rng) ? 1 : 0;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace sb::load
