#pragma once
namespace sb::test {
// Adds the `fault` workload to the registry (test builds only).
void register_fault_workloads();
}  // namespace sb::test
