// The SQLite backend of the history store: one file, WAL journal, foreign keys on.
#include <sqlite3.h>

#include <map>

#include "history_sql.hpp"

namespace sb::history {
namespace {

const Dialect kSqlite = {
    "sqlite",
    "INTEGER PRIMARY KEY",  // an alias of the rowid: filled on insert, returned by RETURNING
    " WITHOUT ROWID",
    "BEGIN IMMEDIATE",
    "",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
};

// Concurrent `history add`s (parallel CI jobs on one machine) wait this long for the lock.
constexpr int kBusyTimeoutMs = 30000;

class SqliteConnection final : public SqlConnection {
 public:
  SqliteConnection(const std::string& path, bool create) : path_(path) {
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw SqlError(path + ": " + msg, false);
    }
    try {
      configure();
    } catch (...) {
      close();  // the destructor does not run for a half-built object
      throw;
    }
  }

  ~SqliteConnection() override { close(); }

  const Dialect& dialect() const override { return kSqlite; }

  std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    sqlite3_stmt* st = prepare(sql);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (std::size_t i = 0; i < params.size(); ++i) bind(st, static_cast<int>(i) + 1, params[i]);
    std::vector<SqlRow> rows;
    for (;;) {
      const int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        fail(sql, rc);
      }
      SqlRow row;
      for (int c = 0, n = sqlite3_column_count(st); c < n; ++c) row.push_back(column(st, c));
      rows.push_back(std::move(row));
    }
    sqlite3_reset(st);  // releases the statement's read snapshot
    return rows;
  }

  void exec(const std::string& sql) override {
    char* err = nullptr;
    if (const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err); rc != SQLITE_OK) {
      const std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      throw SqlError(path_ + ": " + msg + " (in: " + sql.substr(0, 80) + ")", is_unique(rc));
    }
  }

 private:
  void configure() {
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    // WAL: `list` and the dashboard read while `add` writes. The mode is stored in the
    // file; asking again is cheap. A file that is not a database fails here.
    const auto mode = query("PRAGMA journal_mode = WAL", {});
    if (mode.empty() || as_text(mode[0][0]) != "wal")
      throw SqlError(path_ + ": cannot switch the journal to WAL mode", false);
    exec("PRAGMA foreign_keys = ON");  // per connection, off by default in SQLite
  }

  void close() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
    sqlite3_close(db_);
    db_ = nullptr;
  }

  static bool is_unique(int rc) { return rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE; }

  [[noreturn]] void fail(const std::string& sql, int rc) {
    throw SqlError(path_ + ": " + sqlite3_errmsg(db_) + " (in: " + sql.substr(0, 80) + ")",
                   is_unique(sqlite3_extended_errcode(db_)) || is_unique(rc));
  }

  sqlite3_stmt* prepare(const std::string& sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    if (const int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr);
        rc != SQLITE_OK)
      fail(sql, rc);
    return cache_[sql] = st;
  }

  void bind(sqlite3_stmt* st, int i, const SqlValue& v) {
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<std::int64_t>(&v))
      rc = sqlite3_bind_int64(st, i, *n);
    else if (const auto* d = std::get_if<double>(&v))
      rc = sqlite3_bind_double(st, i, *d);
    else if (const auto* s = std::get_if<std::string>(&v))
      rc = sqlite3_bind_text64(st, i, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    else
      rc = sqlite3_bind_null(st, i);
    if (rc != SQLITE_OK) fail("bind", rc);
  }

  static SqlValue column(sqlite3_stmt* st, int c) {
    switch (sqlite3_column_type(st, c)) {
      case SQLITE_INTEGER: return static_cast<std::int64_t>(sqlite3_column_int64(st, c));
      case SQLITE_FLOAT: return sqlite3_column_double(st, c);
      case SQLITE_NULL: return std::monostate{};
      default: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, c)));
      }
    }
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace

std::unique_ptr<SqlConnection> open_sqlite(const std::string& path, bool create) {
  return std::make_unique<SqliteConnection>(path, create);
}

}  // namespace sb::history
