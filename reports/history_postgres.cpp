// The PostgreSQL backend of the history store, through libpq. Built only when libpq is
// found at configure time (STRATBENCH_HAVE_POSTGRES).
#include <libpq-fe.h>

#include <charconv>
#include <map>
#include <memory>

#include "history_sql.hpp"

namespace sb::history {
namespace {

const Dialect kPostgres = {
    "postgresql",
    "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    "",
    "BEGIN",
    // Any constant, the same in every stratbench: "the history schema is being created".
    "SELECT pg_advisory_xact_lock(7316990135261571)",
    "SELECT CASE WHEN to_regclass(CAST(? AS TEXT)) IS NULL THEN 0 ELSE 1 END",
};

// Type OIDs of the columns the store reads (pg_type.h; stable across server versions).
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701;

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The store writes `?`; PostgreSQL numbers its parameters. No statement of the store has a
// `?` inside a string literal, but literals are skipped anyway.
std::string numbered_placeholders(const std::string& sql) {
  std::string out;
  int n = 0;
  bool in_literal = false;
  for (char c : sql) {
    if (c == '\'') in_literal = !in_literal;
    if (c == '?' && !in_literal) {
      out += '$';  // two appends: "$" + to_string trips GCC 12's -Wrestrict false positive at -O3
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

// to_chars / from_chars: exact round trip and no dependence on the C locale (a Qt
// application sets LC_NUMERIC from the environment, where "0,5" would be a half).
std::string number_text(double d) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

SqlValue value_of(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::monostate{};
  const char* p = PQgetvalue(res, row, col);
  const char* end = p + PQgetlength(res, row, col);
  switch (PQftype(res, col)) {
    case kBool: return std::int64_t{*p == 't' ? 1 : 0};
    case kInt2:
    case kInt4:
    case kInt8: {
      std::int64_t v = 0;
      std::from_chars(p, end, v);
      return v;
    }
    case kFloat4:
    case kFloat8: {
      double v = 0;
      std::from_chars(p, end, v);
      return v;
    }
    default: return std::string(p, end);
  }
}

class PgConnection final : public SqlConnection {
 public:
  explicit PgConnection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      const std::string msg = conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory";
      PQfinish(conn_);
      throw SqlError(msg, false);
    }
    try {
      // CREATE ... IF NOT EXISTS reports "already exists, skipping" as a NOTICE, which
      // libpq would print on stderr; warnings and errors still get through.
      exec("SET client_min_messages = warning");
    } catch (...) {
      PQfinish(conn_);
      throw;
    }
  }

  ~PgConnection() override { PQfinish(conn_); }

  const Dialect& dialect() const override { return kPostgres; }

  std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    const std::string& name = prepared(sql);
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<std::int64_t>(&params[i]))
        text[i] = std::to_string(*n);
      else if (const auto* d = std::get_if<double>(&params[i]))
        text[i] = number_text(*d);
      else if (const auto* s = std::get_if<std::string>(&params[i]))
        text[i] = *s;
      else
        continue;  // NULL
      values[i] = text[i].c_str();
    }
    Result res(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(), nullptr, nullptr, 0),
               &PQclear);
    check(res.get(), sql);
    std::vector<SqlRow> rows;
    for (int r = 0, nr = PQntuples(res.get()); r < nr; ++r) {
      SqlRow row;
      for (int c = 0, nc = PQnfields(res.get()); c < nc; ++c) row.push_back(value_of(res.get(), r, c));
      rows.push_back(std::move(row));
    }
    return rows;
  }

  void exec(const std::string& sql) override {
    Result res(PQexec(conn_, sql.c_str()), &PQclear);
    check(res.get(), sql);
  }

 private:
  void check(const PGresult* res, const std::string& sql) {
    const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return;
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const std::string msg = trimmed(res ? PQresultErrorMessage(res) : PQerrorMessage(conn_));
    // 23505: unique_violation.
    throw SqlError("PostgreSQL: " + msg + " (in: " + sql.substr(0, 80) + ")", state && std::string(state) == "23505");
  }

  const std::string& prepared(const std::string& sql) {
    if (auto it = names_.find(sql); it != names_.end()) return it->second;
    const std::string name = "sb_history_" + std::to_string(names_.size());
    Result res(PQprepare(conn_, name.c_str(), numbered_placeholders(sql).c_str(), 0, nullptr), &PQclear);
    check(res.get(), sql);
    return names_[sql] = name;
  }

  PGconn* conn_;
  std::map<std::string, std::string> names_;  // SQL text -> prepared statement name
};

}  // namespace

std::unique_ptr<SqlConnection> open_postgres(const std::string& conninfo) {
  return std::make_unique<PgConnection>(conninfo);
}

}  // namespace sb::history
