// Every table as CSV (RFC 4180: fields with a comma, quote or line break are quoted, quotes
// doubled), from what the view shows: the model's display text, header first. For File →
// Export and the clipboard.
#pragma once

#include <QString>

class QAbstractItemModel;

namespace sb::gui {

QString modelToCsv(const QAbstractItemModel& model);

}  // namespace sb::gui
