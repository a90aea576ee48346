// Runs every registered model test class; fails when any of them fails.
#include <QCoreApplication>
#include <QTest>

#include "qtest_registry.hpp"

int main(int argc, char** argv) {
  // The models need no display: a core application proves it.
  QCoreApplication app(argc, argv);
  int failedClasses = 0;
  for (const auto& factory : sb::gui::test::registeredTests()) {
    const std::unique_ptr<QObject> test = factory();
    if (QTest::qExec(test.get(), argc, argv) != 0) ++failedClasses;
  }
  return failedClasses == 0 ? 0 : 1;
}
