// Built when configure found no cupti.h: the CUPTI profiler is listed, with the reason.
#include "stratbench/profilers/cupti.hpp"

namespace sb::prof {

namespace {
constexpr const char* kWhy =
    "stratbench was built without cupti.h (CUDA toolkit with CUPTI not found at configure time)";

class NoCupti final : public Profiler {
 public:
  std::string begin() override { return kWhy; }
  void end(int, PassOutput&) override {}
};
}  // namespace

Availability cupti_availability() { return {false, kWhy, {}}; }
std::unique_ptr<Profiler> make_cupti_profiler() { return std::make_unique<NoCupti>(); }

}  // namespace sb::prof
