// Several QtTest classes in one executable: each *_test.cpp (mirroring one source file)
// registers its class, and gui_models_test_main.cpp runs them all.
#pragma once

#include <memory>
#include <vector>

#include <QObject>

namespace sb::gui::test {

using TestFactory = std::unique_ptr<QObject> (*)();

inline std::vector<TestFactory>& registeredTests() {
  static std::vector<TestFactory> tests;
  return tests;
}

inline bool registerTest(TestFactory factory) {
  registeredTests().push_back(factory);
  return true;
}

}  // namespace sb::gui::test

#define SB_GUI_REGISTER_TEST(Class)                                \
  [[maybe_unused]] static const bool sbGuiTestRegistered_##Class = \
      ::sb::gui::test::registerTest([]() -> std::unique_ptr<QObject> { return std::make_unique<Class>(); })
