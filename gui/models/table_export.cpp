#include "stratbench/gui/table_export.hpp"

#include <QAbstractItemModel>

namespace sb::gui {
namespace {

QString csvField(QString s) {
  if (!s.contains(u',') && !s.contains(u'"') && !s.contains(u'\n') && !s.contains(u'\r')) return s;
  s.replace(QStringLiteral("\""), QStringLiteral("\"\""));
  return u'"' + s + u'"';
}

}  // namespace

QString modelToCsv(const QAbstractItemModel& model) {
  QString out;
  const int columns = model.columnCount();
  const bool rowNames = model.headerData(0, Qt::Vertical).isValid() &&
                        model.headerData(0, Qt::Vertical).toString() != QStringLiteral("1");
  if (rowNames) out += u',';
  for (int c = 0; c < columns; ++c) {
    if (c > 0) out += u',';
    out += csvField(model.headerData(c, Qt::Horizontal).toString());
  }
  out += QStringLiteral("\r\n");
  for (int r = 0; r < model.rowCount(); ++r) {
    if (rowNames) out += csvField(model.headerData(r, Qt::Vertical).toString()) + u',';
    for (int c = 0; c < columns; ++c) {
      if (c > 0) out += u',';
      out += csvField(model.index(r, c).data().toString());
    }
    out += QStringLiteral("\r\n");
  }
  return out;
}

}  // namespace sb::gui
