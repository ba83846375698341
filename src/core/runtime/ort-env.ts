// Environment onnxruntime reads when its native library loads; imported (for its effect) before any
// model is opened, on the main thread, because worker threads cannot change the process's environment.
//
// onnxruntime-node 1.29's Linux build starts a telemetry client at load that reads /proc/self/cmdline
// and matches it with a recursive std::regex: an argument list over ~15 KB overflows a worker thread's
// stack (~100 KB overflows the main thread's) and the process dies with SIGSEGV. Turned off, the client
// never starts — which Glimpse wants anyway: nothing about a user's photos or machine leaves it.
process.env.ORT_DISABLE_TELEMETRY = '1';

export {};
