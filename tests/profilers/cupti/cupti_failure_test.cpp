// Every way CUPTI can fail becomes a reason, with everything enabled so far undone (the
// stand-in says which activity kinds are still enabled and whether a subscriber remains).
#include <gtest/gtest.h>

#include <cstdlib>

#include "stratbench/profilers/cupti.hpp"
#include "stratbench/profilers/gpu_info.hpp"

#ifdef STRATBENCH_TEST_HAVE_CUPTI
#include "cupti_test_util.hpp"

namespace sb::prof::cupti::test {
namespace {

::testing::AssertionResult contains(const std::string& s, const std::string& part) {
  if (s.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << s << "\" does not contain \"" << part << "\"";
}
::testing::AssertionResult starts_with(const std::string& s, const std::string& prefix) {
  if (s.rfind(prefix, 0) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << s << "\" does not start with \"" << prefix << "\"";
}

class CuptiFailure : public StandIn {
 protected:
  void expect_undone() {
    EXPECT_EQ(fake.enabled_count(), 0) << "activity kinds left enabled";
    EXPECT_EQ(fake.subscribed(), 0) << "subscriber left attached";
  }
};

// Restores the environment variable a test sets.
struct ScopedEnv {
  explicit ScopedEnv(const char* value) { ::setenv("STRATBENCH_CUPTI_LIBRARY", value, 1); }
  ~ScopedEnv() { ::unsetenv("STRATBENCH_CUPTI_LIBRARY"); }
};

TEST_F(CuptiFailure, LibraryMissing) {
  const Loaded l = load_library("/nonexistent/libcupti.so.13");
  EXPECT_TRUE(starts_with(l.error, "cannot open /nonexistent/libcupti.so.13"));
}

TEST_F(CuptiFailure, EnvironmentNamesTheLibrary) {
  {
    ScopedEnv env(FAKE_CUPTI_PATH);
    const Loaded l = load_default();
    EXPECT_EQ(l.error, "");
    EXPECT_EQ(l.api.path, FAKE_CUPTI_PATH);
    EXPECT_EQ(l.api.version, static_cast<std::uint32_t>(CUPTI_API_VERSION));
  }
  ScopedEnv env("/nonexistent/libcupti.so");
  EXPECT_TRUE(contains(load_default().error, "(from STRATBENCH_CUPTI_LIBRARY)"));
}

TEST_F(CuptiFailure, SymbolMissing) {
  const Loaded l = load_library(FAKE_CUPTI_WITHOUT_FLUSH_PATH);
  EXPECT_TRUE(contains(l.error, "has no cuptiActivityFlushAll"));
}

TEST_F(CuptiFailure, OldVersion) {
  fake.set_version(120000);
  const Loaded l = load_library(FAKE_CUPTI_PATH);
  EXPECT_TRUE(contains(
      l.error, "is CUPTI API version 120000 (12.0); this build's cupti.h needs " + std::to_string(CUPTI_API_VERSION)));
}

TEST_F(CuptiFailure, AnotherSubscriberIsAttached) {
  // Another client in the process (what Nsight's injection looks like to CUPTI).
  CUpti_SubscriberHandle other{};
  ASSERT_EQ(api.Subscribe(&other, nullptr, nullptr), CUPTI_SUCCESS);
  Tracer t(api);
  EXPECT_EQ(t.begin(),
            "another CUPTI client (Nsight?) is attached (cuptiSubscribe: "
            "CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED)");
  EXPECT_EQ(fake.enabled_count(), 0);
  EXPECT_EQ(fake.subscribed(), 1);  // the other client's subscription is left alone
  EXPECT_EQ(api.Unsubscribe(other), CUPTI_SUCCESS);
}

TEST_F(CuptiFailure, NoDriverOrDevice) {
  fake.fail("cuptiSubscribe", CUPTI_ERROR_UNKNOWN, 0);  // what the real libcupti says without a driver
  Tracer t(api);
  EXPECT_TRUE(starts_with(t.begin(), "CUPTI could not attach to a CUDA driver (no driver or no GPU?)"));
  expect_undone();
}

TEST_F(CuptiFailure, EnableFailsAndWhatWasEnabledIsUndone) {
  fake.fail("cuptiActivityEnable", CUPTI_ERROR_NOT_SUPPORTED, 3);  // the fourth kind fails
  Tracer t(api);
  EXPECT_EQ(t.begin(),
            std::string("cuptiActivityEnable(") + kind_name(traced_kinds()[3]) + ") failed: CUPTI_ERROR_NOT_SUPPORTED");
  expect_undone();
  Records r;
  EXPECT_EQ(t.stop(r), "CUPTI tracing was not begun");
}

TEST_F(CuptiFailure, TimestampFailsAfterEnabling) {
  fake.fail("cuptiGetTimestamp", CUPTI_ERROR_UNKNOWN, 0);
  Tracer t(api);
  EXPECT_EQ(t.begin(), "cuptiGetTimestamp failed: CUPTI_ERROR_UNKNOWN");
  expect_undone();
}

TEST_F(CuptiFailure, FailedSessionFreesTheProcessSlot) {
  fake.fail("cuptiActivityEnable", CUPTI_ERROR_NOT_SUPPORTED, 0);
  {
    Tracer t(api);
    EXPECT_NE(t.begin(), "");
  }
  fake.reset();
  Tracer again(api);
  EXPECT_EQ(again.begin(), "");
  Records r;
  EXPECT_EQ(again.stop(r), "");
}

TEST_F(CuptiFailure, OneSessionAtATime) {
  Tracer first(api), second(api);
  ASSERT_EQ(first.begin(), "");
  EXPECT_EQ(second.begin(), "another CUPTI tracing session of this process is active");
  EXPECT_EQ(fake.subscribed(), 1);
  Records r;
  EXPECT_EQ(first.stop(r), "");
  expect_undone();
}

TEST_F(CuptiFailure, ErrorMidRunUndoesAndDropsThePartialRecords) {
  Tracer t(api);
  ASSERT_EQ(t.begin(), "");
  fake.emit_record(kernel(1, 2, 3));
  fake.fail("cuptiActivityFlushAll", CUPTI_ERROR_UNKNOWN, 0);
  Records r;
  EXPECT_EQ(t.stop(r), "cuptiActivityFlushAll failed: CUPTI_ERROR_UNKNOWN");
  EXPECT_TRUE(r.gpu.empty());
  expect_undone();
}

TEST_F(CuptiFailure, ErrorWhileReadingABufferStopsTracing) {
  Tracer t(api);
  ASSERT_EQ(t.begin(), "");
  fake.emit_record(kernel(1, 2, 3));
  fake.emit_record(kernel(3, 4, 5));
  fake.fail("cuptiActivityGetNextRecord", CUPTI_ERROR_INVALID_KIND, 1);
  Records r;
  EXPECT_EQ(t.stop(r), "cuptiActivityGetNextRecord failed: CUPTI_ERROR_INVALID_KIND");
  EXPECT_TRUE(r.gpu.empty());
  expect_undone();
}

TEST_F(CuptiFailure, UndoKeepsGoingWhenDisableFails) {
  Tracer t(api);
  ASSERT_EQ(t.begin(), "");
  fake.fail("cuptiActivityDisable", CUPTI_ERROR_UNKNOWN, 0);
  Records r;
  EXPECT_TRUE(starts_with(t.stop(r), "cuptiActivityDisable("));
  EXPECT_EQ(fake.subscribed(), 0);  // unsubscribed all the same
}

TEST_F(CuptiFailure, DestroyedWithoutStopUndoes) {
  {
    Tracer t(api);
    ASSERT_EQ(t.begin(), "");
  }
  expect_undone();
}

// The real libcupti of the toolkit, where this machine has one: without a driver or GPU it
// must refuse with a reason, never crash or leave tracing half on.
TEST(CuptiRealLibrary, RefusesWithAReasonWithoutAGpu) {
  if (cuda_unavailable_reason().empty()) GTEST_SKIP() << "a CUDA device is present; the GPU checks cover it";
  ::unsetenv("STRATBENCH_CUPTI_LIBRARY");
  const Loaded l = load_default();
  if (!l.error.empty()) GTEST_SKIP() << "no usable libcupti here: " << l.error;
  Tracer t(l.api);
  const std::string why = t.begin();
  EXPECT_NE(why, "");
  EXPECT_TRUE(contains(why, "cuptiSubscribe"));
}

TEST(CuptiRealLibrary, AvailabilitySaysWhyNot) {
  const std::string no_gpu = cuda_unavailable_reason();
  if (no_gpu.empty()) GTEST_SKIP() << "a CUDA device is present; the GPU checks cover it";
  const Availability a = cupti_availability();
  EXPECT_FALSE(a.available);
  // The driver's absence is named as such; a driver without a device is the runtime's reason.
  if (a.reason != no_gpu) {
    EXPECT_EQ(a.reason, "no NVIDIA driver (libcuda.so.1 cannot be opened)");
  }
  EXPECT_EQ(make_cupti_profiler()->begin(), a.reason);
}

}  // namespace
}  // namespace sb::prof::cupti::test

#else

TEST(CuptiBuild, SaysWhyWithoutTheHeader) {
  const sb::prof::Availability a = sb::prof::cupti_availability();
  EXPECT_FALSE(a.available);
  EXPECT_EQ(a.reason.rfind("stratbench was built without cupti.h", 0), 0u) << a.reason;
  GTEST_SKIP() << "built without cupti.h: the CUPTI tracer and its stand-in tests were not compiled";
}

#endif
