/* A stand-in for libcuda.so.1 in tests: device memory is host memory, the PTX module is checked for the
 * resize kernel and launches run the kernel's own maths over the same grid on the CPU. Switches:
 * GJ_STUB_CUINIT=<code> makes cuInit fail, GJ_STUB_DEVICES=<n> sets the device count. */
#include <stdlib.h>
#include <string.h>
#include "../src/api.h"
#include "../src/resample.h"

static int env_int(const char *name, int fallback) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : fallback;
}

CUresult cuInit(unsigned int flags) { (void)flags; return env_int("GJ_STUB_CUINIT", 0); }
CUresult cuDeviceGetCount(int *n) { *n = env_int("GJ_STUB_DEVICES", 1); return 0; }
CUresult cuDeviceGet(CUdevice *d, int ordinal) { *d = ordinal; return 0; }
CUresult cuDeviceGetName(char *name, int len, CUdevice d) {
  (void)d;
  strncpy(name, "Stub GPU", len);
  return 0;
}
CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice d) {
  (void)d;
  *bytes = (size_t)8 << 30;
  return 0;
}
static int context_token;
CUresult cuDevicePrimaryCtxRetain(CUcontext *c, CUdevice d) { (void)d; *c = &context_token; return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) { (void)d; return 0; }
CUresult cuCtxSetCurrent(CUcontext c) { return c == &context_token ? 0 : 201; /* INVALID_CONTEXT */ }
static int module_token, function_token;
CUresult cuModuleLoadData(CUmodule *m, const void *image) {
  if (!strstr((const char *)image, ".entry gj_resample")) return 218; /* INVALID_PTX */
  *m = &module_token;
  return 0;
}
CUresult cuModuleUnload(CUmodule m) { (void)m; return 0; }
CUresult cuModuleGetFunction(CUfunction *f, CUmodule m, const char *name) {
  if (m != &module_token || strcmp(name, "gj_resample") != 0) return 500; /* NOT_FOUND */
  *f = &function_token;
  return 0;
}
CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, CUstream stream, void **params, void **extra) {
  (void)gz; (void)bz; (void)shared; (void)stream; (void)extra;
  if (f != &function_token) return 400; /* INVALID_HANDLE */
  const GjPass *p = (const GjPass *)params[0];
  for (unsigned y = 0; y < gy * by; y++)
    for (unsigned x = 0; x < gx * bx; x++) gj_thread(p, (int)x, (int)y);
  return 0;
}
CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t n) {
  void *m = malloc(n);
  *p = (CUdeviceptr)(size_t)m;
  return m ? 0 : 2;
}
CUresult cuMemFree_v2(CUdeviceptr p) { free((void *)(size_t)p); return 0; }
CUresult cuMemAllocHost_v2(void **p, size_t n) { *p = malloc(n); return *p ? 0 : 2; }
CUresult cuMemFreeHost(void *p) { free(p); return 0; }
CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t n, CUstream s) {
  (void)s;
  memcpy(dst, (const void *)(size_t)src, n);
  return 0;
}
static int stream_token;
CUresult cuStreamCreate(CUstream *s, unsigned int flags) { (void)flags; *s = &stream_token; return 0; }
CUresult cuStreamDestroy_v2(CUstream s) { (void)s; return 0; }
CUresult cuStreamSynchronize(CUstream s) { (void)s; return 0; }
CUresult cuGetErrorName(CUresult r, const char **name) {
  *name = r == 100 ? "CUDA_ERROR_NO_DEVICE" : r == 35 ? "CUDA_ERROR_INSUFFICIENT_DRIVER" : "CUDA_ERROR_STUB";
  return 0;
}
