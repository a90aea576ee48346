// Opening a history store: URL dispatch, schema creation and version check, and the
// pieces shared by every backend (typed values, adding a file). The host fingerprint is
// the comparability rule hashed: result/host_comparability.hpp.
#include "stratbench/reports/history_store.hpp"

#include <cstdio>
#include <filesystem>
#include <regex>

#include "history_sql.hpp"
#include "stratbench/reports/json_schema.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb {
namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// "postgresql://…", "postgres://…", or libpq's "keyword=value ..." form, recognized by its
// first keyword (a file whose path starts with "host=" and the like needs "sqlite://").
bool is_postgres_url(const std::string& url) {
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) return true;
  static const std::regex keyword_form(
      R"(^\s*(host|hostaddr|port|dbname|user|password|passfile|service|sslmode|connect_timeout|application_name|options)\s*=)");
  return std::regex_search(url, keyword_form);
}

// Messages name the store, but never repeat a password given in the URL.
std::string redact(const std::string& url) {
  static const std::regex url_password(R"((://[^:/@]*:)[^@]*@)");
  static const std::regex kv_password(R"(password\s*=\s*('[^']*'|\S+))");
  return std::regex_replace(std::regex_replace(url, url_password, "$1***@"), kv_password, "password=***");
}

std::unique_ptr<history::SqlConnection> connect(const std::string& url, HistoryOpen mode) {
  if (is_postgres_url(url)) {
    if (!history_postgres_supported())
      throw InputError(redact(url) +
                       ": this stratbench was built without PostgreSQL support (libpq was not found at "
                       "configure time); install libpq-dev and reconfigure, or use a SQLite file");
    return history::open_postgres(url);
  }
  const std::string path = starts_with(url, "sqlite://") ? url.substr(9) : url;
  if (path.empty()) throw InputError("empty history store path");
  namespace fs = std::filesystem;
  std::error_code ec;
  if (mode == HistoryOpen::existing && !fs::exists(path, ec))
    throw InputError(path + ": no history store here (add a run first: stratbench history add RESULTS.json --db " +
                     path + ")");
  if (fs::is_directory(path, ec)) throw InputError(path + ": is a directory, not a history store file");
  if (const fs::path dir = fs::path(path).parent_path(); mode == HistoryOpen::create && !dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec) throw InputError(path + ": cannot create directory " + dir.string() + ": " + ec.message());
  }
  return history::open_sqlite(path, mode == HistoryOpen::create);
}

std::vector<std::string> schema_statements(const history::Dialect& d) {
  // Timestamps are ISO 8601 UTC text ("2026-11-22T10:00:00Z", enforced by the results
  // schema): their text order is time order in both databases. JSON is kept as text, not
  // JSONB, so both backends store the same bytes.
  // clang-format off
  return {
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
      "CREATE TABLE IF NOT EXISTS runs ("
      " run_id TEXT PRIMARY KEY,"
      " git_commit TEXT NOT NULL,"
      " dirty INTEGER NOT NULL CHECK (dirty IN (0, 1)),"
      " branch TEXT NOT NULL,"
      " started TEXT NOT NULL,"
      " finished TEXT NOT NULL,"
      " command TEXT NOT NULL,"
      " host_fingerprint TEXT NOT NULL,"
      " host_json TEXT NOT NULL,"
      " config_hash TEXT NOT NULL)",
      "CREATE INDEX IF NOT EXISTS runs_by_start ON runs (started, run_id)",
      "CREATE TABLE IF NOT EXISTS cells ("
      " cell_pk " + d.auto_key + ","
      " run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,"
      " ordinal INTEGER NOT NULL,"  // position in the results file: `show` keeps file order
      " cell_id TEXT NOT NULL,"
      " workload TEXT NOT NULL,"
      " strategy TEXT NOT NULL,"
      " device TEXT NOT NULL,"
      " params_json TEXT NOT NULL,"
      " status TEXT NOT NULL,"
      " reason TEXT NOT NULL,"
      " metrics_json TEXT NOT NULL,"
      " trace TEXT,"
      " UNIQUE (run_id, cell_id))",
      "CREATE INDEX IF NOT EXISTS cells_by_cell_id ON cells (cell_id)",
      "CREATE TABLE IF NOT EXISTS samples ("
      " cell_pk BIGINT NOT NULL REFERENCES cells (cell_pk) ON DELETE CASCADE,"
      " metric TEXT NOT NULL,"
      " idx INTEGER NOT NULL,"
      " value DOUBLE PRECISION NOT NULL,"
      " PRIMARY KEY (cell_pk, metric, idx))" + d.samples_table_suffix,
  };
  // clang-format on
}

}  // namespace

namespace history {

std::int64_t as_int(const SqlValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  check_failed("history store: integer column expected", __FILE__, __LINE__);
}

double as_double(const SqlValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return static_cast<double>(as_int(v));
}

std::string as_text(const SqlValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  SB_CHECK(std::holds_alternative<std::monostate>(v));
  return {};
}

#ifndef STRATBENCH_HAVE_POSTGRES
// Keeps the symbol for callers that cannot know how reports/ was configured (the tests).
std::unique_ptr<SqlConnection> open_postgres(const std::string&) {
  throw SqlError("this stratbench was built without PostgreSQL support", false);
}
#endif

}  // namespace history

HistoryStore::HistoryStore(std::unique_ptr<history::SqlConnection> db, std::string name)
    : db_(std::move(db)), url_(std::move(name)) {
  ensure_schema();
}

HistoryStore::~HistoryStore() = default;

void HistoryStore::ensure_schema() {
  using history::as_int;
  auto& db = *db_;
  const auto& d = db.dialect();
  const auto has_version_table = [&] {
    return as_int(db.query(d.table_exists, {std::string("schema_version")}).at(0).at(0)) != 0;
  };
  // DDL only when the schema is missing: a reader without CREATE rights (a PostgreSQL role
  // for dashboards) can still open an existing store.
  if (!has_version_table()) {
    history::Transaction tx(db, true);
    if (!d.schema_lock.empty()) db.query(d.schema_lock);
    for (const auto& stmt : schema_statements(d)) db.exec(stmt);
    if (db.query("SELECT version FROM schema_version").empty())
      db.query("INSERT INTO schema_version (version) VALUES (?)", {std::int64_t{kHistorySchemaVersion}});
    tx.commit();
  }
  const auto rows = db.query("SELECT MAX(version) FROM schema_version");
  const auto& v = rows.at(0).at(0);
  if (std::holds_alternative<std::monostate>(v)) throw InputError(url_ + ": schema_version table is empty");
  if (as_int(v) > kHistorySchemaVersion)
    throw InputError(url_ + ": history schema version " + std::to_string(as_int(v)) +
                     " is newer than this stratbench reads (" + std::to_string(kHistorySchemaVersion) +
                     "): upgrade stratbench");
}

std::unique_ptr<HistoryStore> open_history_store(const std::string& url, HistoryOpen mode) {
  try {
    return std::make_unique<HistoryStore>(connect(url, mode), redact(url));
  } catch (const history::SqlError& e) {
    // Not a database, permission denied, server down: all about the store the user named.
    throw InputError(redact(url) + ": cannot open history store: " + e.what());
  }
}

RunFile read_results_for_history(const std::string& path) {
  const nlohmann::json doc = parse_json_text(read_text_file(path), path);
  RunFile run = run_from_json(doc, path);  // its messages name the field
  // The schema catches what the reader tolerates (a malformed start time, an unknown key)
  // and what would corrupt the history (an empty run id).
  const auto violations = validate_against_schema(doc, run_schema_v1());
  if (!violations.empty()) {
    std::string msg = path + ": does not match the results schema: ";
    for (std::size_t i = 0; i < violations.size() && i < 3; ++i)
      msg +=
          (i ? "; " : "") + (violations[i].path.empty() ? "(root)" : violations[i].path) + ": " + violations[i].message;
    if (violations.size() > 3) msg += "; and " + std::to_string(violations.size() - 3) + " more";
    throw InputError(msg);
  }
  return run;
}

AddResult add_results_file(HistoryStore& store, const std::string& path, const std::string& branch) {
  return store.add(read_results_for_history(path), branch);
}

bool history_postgres_supported() {
#ifdef STRATBENCH_HAVE_POSTGRES
  return true;
#else
  return false;
#endif
}

}  // namespace sb
