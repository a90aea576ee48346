// The little SQL layer under the history store (private to reports/). The store's queries
// are written once, with `?` placeholders, in SQL both SQLite and PostgreSQL accept; what
// differs between the two lives in a Dialect and in the two connection classes
// (history_sqlite.cpp, history_postgres.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace sb::history {

// NULL, integer, float, text: all the store needs. Both backends return doubles exactly
// (SQLite binds them natively; PostgreSQL gets %.17g text and answers shortest round-trip).
using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string>;
using SqlRow = std::vector<SqlValue>;

// A failed statement. `unique_violation` lets the store turn a primary-key or unique
// conflict (a run added twice concurrently, a repeated cell id) into an input error.
class SqlError : public std::runtime_error {
 public:
  SqlError(const std::string& what, bool unique) : std::runtime_error(what), unique_violation(unique) {}
  bool unique_violation;
};

struct Dialect {
  std::string name;
  // Column definition of an integer surrogate key filled by the database.
  std::string auto_key;
  // After CREATE TABLE of the samples table: SQLite stores it as its primary-key B-tree
  // ("WITHOUT ROWID") instead of a rowid table plus an index, halving its size.
  std::string samples_table_suffix;
  // SQLite takes the write lock at BEGIN IMMEDIATE, so two writers queue on the busy
  // timeout instead of one failing when its read lock cannot be upgraded.
  std::string begin_write;
  // Serializes schema creation between processes (PostgreSQL's CREATE TABLE IF NOT EXISTS
  // can collide in its catalogs); empty where the write lock already does it.
  std::string schema_lock;
  // One row, one integer: 1 when the table named by the single parameter exists.
  std::string table_exists;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual const Dialect& dialect() const = 0;
  // One statement, `?` placeholders bound in order; every row of the result. Statements
  // are prepared once per connection and reused. Throws SqlError.
  virtual std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
  // Statements without parameters (DDL, transaction control). Throws SqlError.
  virtual void exec(const std::string& sql) = 0;
};

// A missing file is created only when `create`. Throws SqlError.
std::unique_ptr<SqlConnection> open_sqlite(const std::string& path, bool create);
// libpq connection string or URL. Throws SqlError.
std::unique_ptr<SqlConnection> open_postgres(const std::string& conninfo);

// Rolls back unless committed: an exception anywhere inside leaves the store unchanged.
class Transaction {
 public:
  Transaction(SqlConnection& db, bool write) : db_(db) { db_.exec(write ? db_.dialect().begin_write : "BEGIN"); }
  ~Transaction() {
    if (!open_) return;
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // The connection is gone: the server, or SQLite's journal, rolls back for us.
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.exec("COMMIT");
    open_ = false;
  }

 private:
  SqlConnection& db_;
  bool open_ = true;
};

// Typed access to result values; a type mismatch is a programmer error (logic_error).
std::int64_t as_int(const SqlValue& v);
double as_double(const SqlValue& v);     // integers widen: SQLite stores 1.0 as REAL but may return 1
std::string as_text(const SqlValue& v);  // NULL reads as ""

}  // namespace sb::history
