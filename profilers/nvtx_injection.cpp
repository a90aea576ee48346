// The static NVTX injection point. NVTX v3 (load sequence 2) declares this function
// pointer weak and null in every file that includes it; this strong definition makes
// stratbench's recorder the tool, unless NVTX_INJECTION64_PATH names another first.
// Kept apart from the NVTX headers on purpose: a file that includes them gets the weak
// definition, and one symbol cannot be both in one file.
#include <cstdint>

extern "C" int sb_nvtx_initialize_injection(const void* (*get_export_table)(std::uint32_t));

extern "C" {
// NOLINTNEXTLINE: the name and type are NVTX's contract (NvtxInitializeInjectionNvtxFunc_t).
int (*InitializeInjectionNvtx2_fnptr)(const void* (*)(std::uint32_t)) = sb_nvtx_initialize_injection;
}

namespace sb::prof {
// Referenced by the recorder, so that linking the recorder links this file too.
bool nvtx_injection_linked() { return InitializeInjectionNvtx2_fnptr != nullptr; }
}  // namespace sb::prof
