// The one conversion of the result model's text (UTF-8 std::string) to Qt's, for models
// and pages alike, and the two ways that text is kept plain where Qt would guess it is
// markup: a results file is input, and `<img src="/dev/zero">` as a host name must show as
// those characters, never load anything.
#pragma once

#include <string>

#include <QString>

namespace sb::gui {

inline QString qstr(const std::string& s) { return QString::fromStdString(s); }

// For Qt Charts' titles, legends and axis labels, which render rich text when a string
// looks like it: escaped, the markup shows as text.
inline QString richSafe(const QString& s) { return s.toHtmlEscaped(); }

// For every tooltip (a model's ToolTipRole, QToolTip::showText): QToolTip renders rich text
// when the first line looks like a tag, so the text is escaped inside a paragraph that keeps
// its line breaks.
inline QString plainToolTip(const QString& s) {
  return QStringLiteral("<p style='white-space:pre'>") + s.toHtmlEscaped() + QStringLiteral("</p>");
}

}  // namespace sb::gui
