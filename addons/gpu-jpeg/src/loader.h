/* dlopen helpers: the library search (a folder list first, then the system's own search, then the CUDA
 * toolkit's usual folders), symbol lookup, and nvJPEG's status names. */
#ifndef GJ_LOADER_H
#define GJ_LOADER_H
#include <dlfcn.h>
#include <string>
#include "api.h"

/* Opens the first of `names` found in `dirs` (colon-separated; GLIMPSE_CUDA_LIBRARY_PATH), then by the
 * bare name (LD_LIBRARY_PATH, ld.so.cache), then under /usr/local/cuda; `error` keeps the last dlerror. */
void *gjOpenFirst(const std::string &dirs, const char *const *names, std::string &error);

template <typename F>
bool resolve(void *lib, F &slot, const char *name, std::string &missing) {
  slot = reinterpret_cast<F>(dlsym(lib, name));
  if (!slot && missing.empty()) missing = name;
  return slot != nullptr;
}

std::string nvjpegStatusText(nvjpegStatus_t s);

#endif
