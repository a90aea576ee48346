// Calibrated busy work for --inject-slowdown: a dependent chain of integer operations the
// compiler cannot remove or shorten, sized by a rate measured on this machine.
#pragma once

#include <cstdint>

namespace sb {

// Runs `units` steps of the chain.
void busy_work(std::uint64_t units);
// The number of units that take `seconds` here (measured once per process, best of 5).
std::uint64_t busy_units_for(double seconds);

}  // namespace sb
