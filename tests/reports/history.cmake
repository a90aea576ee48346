# Tests of the history store and change points. include()d from tests/reports/CMakeLists.txt.
add_executable(change_points_tests ${CMAKE_CURRENT_LIST_DIR}/change_points_test.cpp)
target_link_libraries(change_points_tests PRIVATE stratbench_reports GTest::gtest_main)
gtest_discover_tests(change_points_tests DISCOVERY_TIMEOUT 60)

# One test executable, instantiated per backend: all but Postgres/* run directly, Postgres/* under
# a fixture script that starts a throwaway server. The tests reach the private SQL layer
# (reports/history_sql.hpp) to reset and inspect the database.
add_executable(history_store_tests ${CMAKE_CURRENT_LIST_DIR}/history_store_test.cpp)
target_link_libraries(history_store_tests PRIVATE stratbench_reports GTest::gtest_main)
target_include_directories(history_store_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../../reports)
gtest_discover_tests(history_store_tests TEST_FILTER "-Postgres/*" DISCOVERY_TIMEOUT 60)

# Skipped (exit 77) when the server binaries are missing; any GTEST_SKIP inside (say,
# a build without libpq) also shows as skipped, never as passed.
add_test(NAME history_store_postgres
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/postgres_fixture.sh $<TARGET_FILE:history_store_tests>
                 --gtest_filter=Postgres/*)
set_tests_properties(history_store_postgres PROPERTIES
  SKIP_RETURN_CODE 77
  SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]"
  TIMEOUT 300)
