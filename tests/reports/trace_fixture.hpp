// Hand-written trace files in the shape profilers/trace_file.cpp writes (metadata first,
// then events by process, thread and start, the longer first), with figures that are easy
// to check by hand. Shared by the reports tests and the black-box CLI tests.
#pragma once

#include <string>

namespace sb::test {

// Two iterations of a two-layer model on the main thread (tid 1): per layer an attention
// (with a CUDA launch inside the first) and an MLP. A start/end "request" begins on worker
// tid 2 and ends on tid 1, so its "e" comes first in the file. GPU 0 (pid 100) stream 7
// runs a memcpy and two kernels. Durations, µs:
//   traced pass 1000 = iteration 500 + 500
//   iteration 0: layer 200 (attention 120 (launch 5), mlp 50), layer 200 (attention 100, mlp 60)
//   iteration 1: layer 200 (attention 140, mlp 30),            layer 200 (attention 120, mlp 50)
inline const char* kSampleTrace = R"({"displayTimeUnit":"ns",
"otherData":{"cell":"llm_prefill/naive/seq=128","workload":"llm_prefill","strategy":"naive","params":"seq=128","commit":"abc123","host":"box","iterations":"2","profilers":"nvtx,cupti"},
"traceEvents":[
{"ph":"M","name":"process_name","pid":1,"tid":0,"args":{"name":"cell"}},
{"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"main"}},
{"ph":"M","name":"thread_sort_index","pid":1,"tid":1,"args":{"sort_index":0}},
{"ph":"M","name":"thread_name","pid":1,"tid":2,"args":{"name":"worker 1"}},
{"ph":"M","name":"process_name","pid":100,"tid":0,"args":{"name":"GPU 0"}},
{"ph":"M","name":"thread_name","pid":100,"tid":7,"args":{"name":"stream 7"}},
{"ph":"C","name":"memory","ts":0.000,"pid":1,"tid":1,"args":{"rss_mib":100}},
{"ph":"X","name":"traced pass","cat":"harness","ts":0.000,"dur":1000.000,"pid":1,"tid":1},
{"ph":"X","name":"iteration","cat":"harness","ts":0.000,"dur":500.000,"pid":1,"tid":1,"args":{"index":0}},
{"ph":"X","name":"layer","cat":"llm","ts":10.000,"dur":200.000,"pid":1,"tid":1,"args":{"index":0}},
{"ph":"X","name":"attention","cat":"llm","ts":20.000,"dur":120.000,"pid":1,"tid":1,"args":{"index":0}},
{"ph":"X","name":"cudaLaunchKernel","cat":"cuda_runtime","ts":30.000,"dur":5.000,"pid":1,"tid":1},
{"ph":"s","name":"launch","cat":"flow","ts":30.000,"pid":1,"tid":1,"id":1},
{"ph":"X","name":"mlp","cat":"llm","ts":150.000,"dur":50.000,"pid":1,"tid":1,"args":{"index":0}},
{"ph":"X","name":"layer","cat":"llm","ts":250.000,"dur":200.000,"pid":1,"tid":1,"args":{"index":1}},
{"ph":"X","name":"attention","cat":"llm","ts":260.000,"dur":100.000,"pid":1,"tid":1,"args":{"index":1}},
{"ph":"X","name":"mlp","cat":"llm","ts":380.000,"dur":60.000,"pid":1,"tid":1,"args":{"index":1}},
{"ph":"e","name":"request","cat":"serve","ts":400.000,"pid":1,"tid":1,"id":7},
{"ph":"i","name":"token","cat":"llm","ts":450.000,"pid":1,"tid":1,"s":"t"},
{"ph":"X","name":"iteration","cat":"harness","ts":500.000,"dur":500.000,"pid":1,"tid":1,"args":{"index":1}},
{"ph":"C","name":"memory","ts":500.000,"pid":1,"tid":1,"args":{"rss_mib":180}},
{"ph":"X","name":"layer","cat":"llm","ts":510.000,"dur":200.000,"pid":1,"tid":1,"args":{"index":0}},
{"ph":"X","name":"attention","cat":"llm","ts":520.000,"dur":140.000,"pid":1,"tid":1,"args":{"index":0}},
{"ph":"X","name":"mlp","cat":"llm","ts":670.000,"dur":30.000,"pid":1,"tid":1,"args":{"index":0}},
{"ph":"X","name":"layer","cat":"llm","ts":750.000,"dur":200.000,"pid":1,"tid":1,"args":{"index":1}},
{"ph":"X","name":"attention","cat":"llm","ts":760.000,"dur":120.000,"pid":1,"tid":1,"args":{"index":1}},
{"ph":"X","name":"mlp","cat":"llm","ts":890.000,"dur":50.000,"pid":1,"tid":1,"args":{"index":1}},
{"ph":"i","name":"token","cat":"llm","ts":950.000,"pid":1,"tid":1,"s":"t"},
{"ph":"b","name":"request","cat":"serve","ts":100.000,"pid":1,"tid":2,"id":7},
{"ph":"X","name":"tokenize","cat":"tokenizer","ts":100.000,"dur":0.250,"pid":1,"tid":2},
{"ph":"X","name":"HtoD","cat":"memcpy","ts":5.000,"dur":3.000,"pid":100,"tid":7},
{"ph":"X","name":"gemm_kernel","cat":"kernel","ts":40.000,"dur":50.000,"pid":100,"tid":7},
{"ph":"f","name":"launch","cat":"flow","ts":40.000,"pid":100,"tid":7,"id":1,"bp":"e"},
{"ph":"X","name":"gemm_kernel","cat":"kernel","ts":270.000,"dur":60.000,"pid":100,"tid":7}
]}
)";

// A pair for `trace diff`: per iteration, the attention goes from 100 to 130 µs and the
// pass from 200 to 230 µs, the MLP stays at 50; a memcpy (5 µs per iteration) is only in
// A, a kernel "flash" (10 µs per iteration) only in B.
inline const char* kDiffA = R"({"otherData":{"workload":"llm_decode","strategy":"naive","iterations":"2"},
"traceEvents":[
{"ph":"X","name":"traced pass","cat":"harness","ts":0,"dur":400,"pid":1,"tid":1},
{"ph":"X","name":"iteration","cat":"harness","ts":0,"dur":200,"pid":1,"tid":1},
{"ph":"X","name":"attention","cat":"llm","ts":10,"dur":100,"pid":1,"tid":1},
{"ph":"X","name":"mlp","cat":"llm","ts":120,"dur":50,"pid":1,"tid":1},
{"ph":"X","name":"iteration","cat":"harness","ts":200,"dur":200,"pid":1,"tid":1},
{"ph":"X","name":"attention","cat":"llm","ts":210,"dur":100,"pid":1,"tid":1},
{"ph":"X","name":"mlp","cat":"llm","ts":320,"dur":50,"pid":1,"tid":1},
{"ph":"X","name":"gemm","cat":"kernel","ts":20,"dur":30,"pid":100,"tid":7},
{"ph":"X","name":"HtoD","cat":"memcpy","ts":60,"dur":10,"pid":100,"tid":7},
{"ph":"X","name":"gemm","cat":"kernel","ts":220,"dur":30,"pid":100,"tid":7}
]}
)";

inline const char* kDiffB = R"({"otherData":{"workload":"llm_decode","strategy":"fused","iterations":"2"},
"traceEvents":[
{"ph":"X","name":"traced pass","cat":"harness","ts":0,"dur":460,"pid":1,"tid":1},
{"ph":"X","name":"iteration","cat":"harness","ts":0,"dur":230,"pid":1,"tid":1},
{"ph":"X","name":"attention","cat":"llm","ts":10,"dur":130,"pid":1,"tid":1},
{"ph":"X","name":"mlp","cat":"llm","ts":150,"dur":50,"pid":1,"tid":1},
{"ph":"X","name":"iteration","cat":"harness","ts":230,"dur":230,"pid":1,"tid":1},
{"ph":"X","name":"attention","cat":"llm","ts":240,"dur":130,"pid":1,"tid":1},
{"ph":"X","name":"mlp","cat":"llm","ts":380,"dur":50,"pid":1,"tid":1},
{"ph":"X","name":"gemm","cat":"kernel","ts":20,"dur":30,"pid":100,"tid":7},
{"ph":"X","name":"flash","cat":"kernel","ts":60,"dur":10,"pid":100,"tid":7},
{"ph":"X","name":"gemm","cat":"kernel","ts":250,"dur":30,"pid":100,"tid":7},
{"ph":"X","name":"flash","cat":"kernel","ts":290,"dur":10,"pid":100,"tid":7}
]}
)";

}  // namespace sb::test
