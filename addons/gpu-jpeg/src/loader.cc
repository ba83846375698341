// Finds and opens the driver and nvJPEG libraries, and names nvJPEG's status codes.
#include "loader.h"
#include <sstream>
#include <vector>

void *gjOpenFirst(const std::string &dirs, const char *const *names, std::string &error) {
  std::vector<std::string> prefixes;
  std::stringstream list(dirs);
  for (std::string dir; std::getline(list, dir, ':');)
    if (!dir.empty()) prefixes.push_back(dir + "/");
  prefixes.push_back("");  // the system's own search
  // Where toolkit installs put nvJPEG without adding it to the loader's path.
  prefixes.push_back("/usr/local/cuda/lib64/");
  prefixes.push_back("/usr/local/cuda/targets/x86_64-linux/lib/");
  for (const std::string &prefix : prefixes) {
    for (const char *const *name = names; *name; name++) {
      void *lib = dlopen((prefix + *name).c_str(), RTLD_NOW | RTLD_LOCAL);
      if (lib) return lib;
      const char *why = dlerror();
      if (prefix.empty() || error.empty()) error = why ? why : "not found";
    }
  }
  return nullptr;
}

std::string nvjpegStatusText(nvjpegStatus_t s) {
  static const char *names[] = {"SUCCESS",          "NOT_INITIALIZED",   "INVALID_PARAMETER", "BAD_JPEG",
                                "JPEG_NOT_SUPPORTED", "ALLOCATOR_FAILURE", "EXECUTION_FAILED",  "ARCH_MISMATCH",
                                "INTERNAL_ERROR",   "IMPLEMENTATION_NOT_SUPPORTED", "INCOMPLETE_BITSTREAM"};
  if (s >= 0 && s < (int)(sizeof(names) / sizeof(names[0]))) return std::string("NVJPEG_STATUS_") + names[s];
  return "nvJPEG status " + std::to_string(s);
}
