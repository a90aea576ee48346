# The history store (SQLite always; PostgreSQL when libpq is found) and change-point
# detection. include()d from reports/CMakeLists.txt after add_library(stratbench_reports).
find_package(SQLite3 REQUIRED)
if(SQLite3_VERSION VERSION_LESS 3.35)
  # INSERT ... RETURNING, used by the store on both backends, arrived in SQLite 3.35.
  message(FATAL_ERROR "the history store needs SQLite >= 3.35, found ${SQLite3_VERSION}")
endif()
target_sources(stratbench_reports PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/change_points.cpp
  ${CMAKE_CURRENT_LIST_DIR}/history_store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/history_runs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/history_series.cpp
  ${CMAKE_CURRENT_LIST_DIR}/history_detect.cpp
  ${CMAKE_CURRENT_LIST_DIR}/html_history.cpp
  ${CMAKE_CURRENT_LIST_DIR}/history_sqlite.cpp
)
target_link_libraries(stratbench_reports PRIVATE SQLite::SQLite3)

# PostgreSQL can be turned off (-DSTRATBENCH_POSTGRES=OFF): then the backend is not built,
# and a postgresql:// URL is an input error that says so. When on (the default, and what
# scripts/setup.sh installs libpq-dev for), a missing libpq stops the configure. Only the
# client library is needed to build; the server is needed by the PostgreSQL test alone.
option(STRATBENCH_POSTGRES "Build the PostgreSQL backend of the history store (needs libpq)" ON)
set(STRATBENCH_HAVE_POSTGRES OFF)
if(STRATBENCH_POSTGRES)
  find_package(PostgreSQL)
  if(NOT PostgreSQL_FOUND)
    message(FATAL_ERROR "the PostgreSQL history backend needs libpq (Debian: libpq-dev, which scripts/setup.sh "
                        "installs). To build without it: -DSTRATBENCH_POSTGRES=OFF")
  endif()
  target_sources(stratbench_reports PRIVATE ${CMAKE_CURRENT_LIST_DIR}/history_postgres.cpp)
  target_link_libraries(stratbench_reports PRIVATE PostgreSQL::PostgreSQL)
  target_compile_definitions(stratbench_reports PRIVATE STRATBENCH_HAVE_POSTGRES)
  set(STRATBENCH_HAVE_POSTGRES ON)
endif()
message(STATUS "stratbench: history store backends: SQLite ${SQLite3_VERSION}, PostgreSQL ${STRATBENCH_HAVE_POSTGRES}")
