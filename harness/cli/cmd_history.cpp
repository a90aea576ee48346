// `stratbench history add|list|show|detect`: fills an options struct and calls the history
// store and the change-point detection of reports/.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/history_detect.hpp"
#include "stratbench/reports/history_store.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/reports/writer.hpp"
#include "stratbench/result/errors.hpp"

namespace sb::cli {
namespace {

struct HistoryOptions {
  std::string db;
  std::string branch;  // add: recorded with the run
  DetectOptions detect;
};

// CI jobs point every command at one store (a PostgreSQL URL with its password kept out
// of command lines and logs) through the environment.
std::string default_db() {
  const char* env = std::getenv("STRATBENCH_HISTORY_DB");
  return env && *env ? env : kDefaultHistoryDb;
}

using HFlag = Flag<HistoryOptions>;

HFlag db_flag() {
  return {"--db", "", "URL",
          "SQLite file or PostgreSQL URL (default $STRATBENCH_HISTORY_DB, else " + std::string(kDefaultHistoryDb) + ")",
          [](HistoryOptions& o, const std::string& v) { o.db = v; }};
}
HFlag help_flag() {
  return {"--help", "-h", "", "this help", [](HistoryOptions&, const std::string&) {}};
}

std::vector<HFlag> flags_for(const std::string& sub) {
  if (sub == "add")
    return {db_flag(),
            {"--branch", "-b", "B", "branch the run was measured on, recorded with it",
             [](HistoryOptions& o, const std::string& v) { o.branch = v; }},
            help_flag()};
  if (sub == "detect")
    return {db_flag(),
            {"--metric", "-m", "M",
             "latency_ms.p50 (default; any latency_ms field, from the raw samples) or a metrics path "
             "such as throughput.value",
             [](HistoryOptions& o, const std::string& v) { o.detect.metric = v; }},
            {"--alpha", "", "A", "significance level of the permutation test, 0 < A < 1 (default 0.01)",
             [](HistoryOptions& o, const std::string& v) {
               const double a = parse_double("--alpha", v);
               if (!(a > 0 && a < 1)) throw InputError("option --alpha: " + v + " is not between 0 and 1");
               o.detect.change_points.alpha = a;
             }},
            {"--permutations", "", "N", "permutations of the significance test (default 199)",
             [](HistoryOptions& o, const std::string& v) {
               const long long n = parse_int("--permutations", v);
               if (n < 1 || n > 100000) throw InputError("option --permutations: " + v + " is not in 1..100000");
               o.detect.change_points.permutations = static_cast<int>(n);
             }},
            {"--min-size", "", "N", "fewest runs in a segment, >= 2 (default 5)",
             [](HistoryOptions& o, const std::string& v) {
               const long long n = parse_int("--min-size", v);
               if (n < 2 || n > 1000000) throw InputError("option --min-size: " + v + " is not in 2..1000000");
               o.detect.change_points.min_size = static_cast<std::size_t>(n);
             }},
            {"--cell", "", "ID", "only this cell id",
             [](HistoryOptions& o, const std::string& v) { o.detect.cell_id = v; }},
            {"--branch", "-b", "B", "only runs recorded with this branch",
             [](HistoryOptions& o, const std::string& v) { o.detect.branch = v; }},
            help_flag()};
  return {db_flag(), help_flag()};  // list, show
}

std::string usage() {
  return std::string(
             "usage: stratbench history <subcommand> [options]\n"
             "\n"
             "  add RESULTS.json [--branch B]  store a run with every raw sample (all or nothing)\n"
             "  list                           stored runs, in start order\n"
             "  show RUN_ID                    the cells table of a stored run\n"
             "  detect [--metric M]            change points per cell over commits (E-divisive means)\n"
             "\n"
             "Every subcommand takes --db URL: a SQLite file (default $STRATBENCH_HISTORY_DB, else ") +
         kDefaultHistoryDb +
         ")\n"
         "or a PostgreSQL connection string: postgresql://user@host/db or \"host=/socket/dir dbname=db\"\n(" +
         (history_postgres_supported() ? "PostgreSQL support is built in"
                                       : "PostgreSQL support is not built in: libpq was missing at configure time") +
         ").\n\n"
         "  stratbench history <subcommand> --help   options of a subcommand\n";
}

const char* subcommand_help(const std::string& sub) {
  if (sub == "add")
    return "Stores the run (header, host fingerprint, config hash, cells, every raw sample) in one\n"
           "transaction: a malformed file or a run id already stored writes nothing.";
  if (sub == "list") return "Lists the stored runs in start order.";
  if (sub == "show") return "Prints a stored run's header and its cells table.";
  return "Finds change points per cell (and host) over commits, runs ordered by start time:\n"
         "E-divisive with means (Matteson & James 2014), significance by a permutation test.\n"
         "Prints each change's first commit, the medians before and after, and the relative change.";
}

std::string short_commit(const std::string& c) { return c.size() > 12 ? c.substr(0, 12) : c; }

int history_add(const std::string& file, const HistoryOptions& o) {
  const RunFile run = read_results_for_history(file);  // a bad file must not even create a store
  // A store this command created is removed again when the add is refused, so a rejected
  // file leaves no empty database behind. (A PostgreSQL URL names no file: nothing to remove.)
  std::error_code ec;
  const bool fresh_file = !std::filesystem::exists(o.db, ec);
  AddResult r;
  std::unique_ptr<HistoryStore> store;
  try {
    store = open_history_store(o.db, HistoryOpen::create);
    r = store->add(run, o.branch);
  } catch (...) {
    store.reset();
    if (fresh_file)
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(o.db + suffix, ec);
    throw;
  }
  std::cout << "added " << file << " to " << store->url() << ": " << r.cells << " cells, " << r.samples << " samples\n";
  return 0;
}

int history_list(const HistoryOptions& o) {
  auto store = open_history_store(o.db, HistoryOpen::existing);
  const auto runs = store->runs();
  if (runs.empty()) {
    std::cout << "no runs in " << store->url() << "\n";
    return 0;
  }
  TextTable t({"run", "started", "commit", "branch", "host", "config", "cells"},
              {false, false, false, false, false, false, true});
  for (const auto& r : runs)
    t.add_row({r.id, r.started, short_commit(r.commit) + (r.dirty ? " (dirty)" : ""), r.branch, r.host_fingerprint,
               r.config_hash, std::to_string(r.cells)});
  std::cout << t.render();
  return 0;
}

int history_show(const std::string& id, const HistoryOptions& o) {
  auto store = open_history_store(o.db, HistoryOpen::existing);
  const auto stored = store->find_run(id);
  const auto run = store->load(id);
  if (!stored || !run)
    throw InputError("run '" + id + "' is not in " + store->url() + " (see stratbench history list)");
  const HostInfo& h = run->run.host;
  // Every string here comes from a stored results file: shown on the terminal, never obeyed by it.
  const auto t = [](const std::string& s) { return terminal_text(s); };
  std::cout << "run      " << t(stored->id) << "\n"
            << "commit   " << (stored->commit.empty() ? "(unknown)" : t(stored->commit))
            << (stored->dirty ? " (dirty)" : "") << "\n"
            << "branch   " << (stored->branch.empty() ? "(not recorded)" : t(stored->branch)) << "\n"
            << "started  " << t(stored->started) << "  finished " << t(stored->finished) << "\n"
            << "host     " << t(stored->host_fingerprint) << "  " << t(h.cpu) << ", " << h.cores << " cores, "
            << t(h.os) << ", " << t(h.compiler) << ", " << t(h.build_type) << "\n"
            << "config   " << t(stored->config_hash) << "\n"
            << "command  " << t(stored->command) << "\n\n"
            << format_run_table(*run);
  return 0;
}

int history_detect(const HistoryOptions& o) {
  auto store = open_history_store(o.db, HistoryOpen::existing);
  std::cout << format_detect_report(detect_changes(*store, o.detect), o.detect);
  return 0;
}

}  // namespace

int cmd_history(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? "" : args[0];
  const bool known = sub == "add" || sub == "list" || sub == "show" || sub == "detect";
  if (!known && (sub == "--help" || sub == "-h" || sub == "help")) {
    std::cout << usage();
    return 0;
  }
  if (!known) {
    std::cerr << (sub.empty() ? "stratbench history: missing subcommand\n\n"
                              : "stratbench history: unknown subcommand '" + sub + "'\n\n")
              << usage();
    return 2;
  }
  const auto table = flags_for(sub);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (wants_help(rest)) {
    std::cout << "usage: stratbench history " << sub
              << (sub == "add"    ? " RESULTS.json"
                  : sub == "show" ? " RUN_ID"
                                  : "")
              << " [options]\n\n"
              << subcommand_help(sub) << "\n\n"
              << flags_help(table);
    return 0;
  }
  HistoryOptions o;
  o.db = default_db();
  std::vector<std::string> pos;
  parse_flags(table, rest, o, pos);
  if (sub == "add") {
    if (pos.size() != 1) throw InputError("history add takes one results file");
    return history_add(pos[0], o);
  }
  if (sub == "show") {
    if (pos.size() != 1) throw InputError("history show takes one run id (see stratbench history list)");
    return history_show(pos[0], o);
  }
  if (!pos.empty()) throw InputError("history " + sub + " takes no arguments, got '" + pos[0] + "'");
  return sub == "list" ? history_list(o) : history_detect(o);
}

}  // namespace sb::cli
