#include "stratbench/gui/launch.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace sb::gui {

bool parseCatalog(const QByteArray& json, Catalog* out, QString* error) {
  QJsonParseError parse{};
  const QJsonDocument doc = QJsonDocument::fromJson(json, &parse);
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  if (doc.isNull()) return fail(QStringLiteral("not JSON: ") + parse.errorString());
  const QJsonObject root = doc.object();
  if (root.value(QStringLiteral("schema")).toString() != QStringLiteral("stratbench/catalog/v1"))
    return fail(QStringLiteral("schema: expected stratbench/catalog/v1"));
  Catalog c;
  const QJsonArray ws = root.value(QStringLiteral("workloads")).toArray();
  for (qsizetype i = 0; i < ws.size(); ++i) {
    const QJsonObject w = ws[i].toObject();
    CatalogWorkload cw{w.value(QStringLiteral("name")).toString(),
                       w.value(QStringLiteral("description")).toString(),
                       w.value(QStringLiteral("throughput_unit")).toString(),
                       {}};
    if (cw.name.isEmpty()) return fail(QStringLiteral("workloads[%1].name: missing").arg(i));
    for (const auto& pv : w.value(QStringLiteral("params")).toArray()) {
      const QJsonObject p = pv.toObject();
      CatalogParam cp;
      cp.name = p.value(QStringLiteral("name")).toString();
      cp.defaultValue = p.value(QStringLiteral("default")).toString();
      cp.kind = p.value(QStringLiteral("kind")).toString();
      cp.help = p.value(QStringLiteral("help")).toString();
      for (const auto& v : p.value(QStringLiteral("choices")).toArray()) cp.choices << v.toString();
      cp.min = p.value(QStringLiteral("min")).toInteger();
      cp.max = p.value(QStringLiteral("max")).toInteger();
      cw.params.push_back(cp);
    }
    c.workloads.push_back(cw);
  }
  for (const auto& pv : root.value(QStringLiteral("presets")).toArray()) {
    c.presets << pv.toObject().value(QStringLiteral("name")).toString();
    c.presetHelp << pv.toObject().value(QStringLiteral("help")).toString();
  }
  if (c.workloads.empty()) return fail(QStringLiteral("workloads: none"));
  *out = std::move(c);
  return true;
}

QStringList runArguments(const LaunchSpec& spec) {
  QStringList a{QStringLiteral("run")};
  if (!spec.workloads.isEmpty()) a << QStringLiteral("-w") << spec.workloads.join(u',');
  if (!spec.strategies.isEmpty()) a << QStringLiteral("-s") << spec.strategies.join(u',');
  for (const auto& [name, values] : spec.params)
    if (!values.trimmed().isEmpty()) a << QStringLiteral("-p") << name + u'=' + values.trimmed();
  if (spec.budget > 0) a << QStringLiteral("--budget") << QString::number(spec.budget);
  if (spec.trace) a << QStringLiteral("--trace");
  a << QStringLiteral("-o") << spec.output;
  return a;
}

RunProgress readRunProgress(const QString& logPath) {
  RunProgress p;
  QFile f(logPath);
  if (!f.open(QIODevice::ReadOnly)) return p;
  while (!f.atEnd()) {
    const QByteArray line = f.readLine();
    if (!line.endsWith('\n')) break;  // being written
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    if (o.value(QStringLiteral("type")).toString() != QStringLiteral("cell")) continue;
    const QJsonObject cell = o.value(QStringLiteral("cell")).toObject();
    ++p.done;
    (cell.value(QStringLiteral("status")).toString() == QStringLiteral("ok") ? p.ok : p.failed) += 1;
    QStringList params;
    const QJsonObject ps = cell.value(QStringLiteral("params")).toObject();
    for (auto it = ps.begin(); it != ps.end(); ++it) params << it.key() + u'=' + it.value().toVariant().toString();
    p.lastCell = QStringLiteral("%1 %2 %3")
                     .arg(cell.value(QStringLiteral("workload")).toString(),
                          cell.value(QStringLiteral("strategy")).toString(), params.join(u','));
  }
  return p;
}

int dryRunCellCount(const QString& output) {
  static const QRegularExpression re(QStringLiteral("^(\\d+) cells?, "), QRegularExpression::MultilineOption);
  const auto m = re.match(output);
  return m.hasMatch() ? m.captured(1).toInt() : -1;
}

}  // namespace sb::gui
