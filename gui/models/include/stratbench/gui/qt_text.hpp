// The one conversion of the result model's text (UTF-8 std::string) to Qt's, for models
// and pages alike.
#pragma once

#include <string>

#include <QString>

namespace sb::gui {

inline QString qstr(const std::string& s) { return QString::fromStdString(s); }

}  // namespace sb::gui
