{
  "targets": [
    {
      "target_name": "glimpse_gpu_jpeg",
      "sources": ["src/addon.cc", "src/gpu.cc", "src/loader.cc"],
      "cflags_cc": ["-std=c++17", "-O2", "-fvisibility=hidden"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-ldl"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
