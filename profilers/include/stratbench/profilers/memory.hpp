// Process memory figures for the cell process.
#pragma once

#include <cstdint>
#include <optional>

namespace sb::prof {

// VmHWM from /proc/self/status: the resident high-water mark, in bytes.
std::optional<std::uint64_t> peak_rss_bytes();
// Current VmRSS, in bytes.
std::optional<std::uint64_t> current_rss_bytes();
// Resets the high-water mark to the current RSS (writes "5" to /proc/self/clear_refs),
// so a phase's peak can be read on its own. Returns false where the kernel refuses.
bool reset_peak_rss();
// Hands the allocator's free memory back to the system (glibc's malloc_trim; nothing
// elsewhere), so that what a phase freed does not stay resident into the next one.
void release_free_memory();

// Counts of global operator new calls in this process. The replacement operators live in
// alloc_counter.cpp and are linked into every binary that uses this library.
struct AllocCounts {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
};
AllocCounts alloc_counts();

}  // namespace sb::prof
