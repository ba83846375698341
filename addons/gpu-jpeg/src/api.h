/* The few CUDA driver and nvJPEG declarations the addon uses, written out here so that it builds
 * without the CUDA toolkit; the libraries themselves are opened with dlopen at run time. Values and
 * layouts follow cuda.h and nvjpeg.h (CUDA 11.8–13). */
#ifndef GJ_API_H
#define GJ_API_H
#include <stddef.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef void *CUmodule;
typedef void *CUfunction;
typedef void *CUstream;
typedef unsigned long long CUdeviceptr;

typedef int nvjpegStatus_t;
typedef void *nvjpegHandle_t;
typedef void *nvjpegJpegState_t;
typedef void *nvjpegJpegStream_t;
enum { NVJPEG_BACKEND_DEFAULT = 0, NVJPEG_BACKEND_HARDWARE = 3 };
enum { NVJPEG_OUTPUT_RGBI = 5 };
#define NVJPEG_MAX_COMPONENT 4
typedef struct {
  unsigned char *channel[NVJPEG_MAX_COMPONENT];
  size_t pitch[NVJPEG_MAX_COMPONENT];
} nvjpegImage_t;

/* Entry points resolved from libcuda.so.1 (the _v2 names are what cuda.h's macros link to). */
typedef struct {
  CUresult (*cuInit)(unsigned int);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDeviceTotalMem)(size_t *, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                             CUstream, void **, void **);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemAllocHost)(void **, size_t);
  CUresult (*cuMemFreeHost)(void *);
  CUresult (*cuMemcpyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
  CUresult (*cuStreamCreate)(CUstream *, unsigned int);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuGetErrorName)(CUresult, const char **);
} CudaApi;

/* Entry points resolved from libnvjpeg.so.13 or .12. */
typedef struct {
  nvjpegStatus_t (*nvjpegCreateEx)(int backend, void *devAllocator, void *pinnedAllocator, unsigned int flags,
                                   nvjpegHandle_t *);
  nvjpegStatus_t (*nvjpegDestroy)(nvjpegHandle_t);
  nvjpegStatus_t (*nvjpegJpegStateCreate)(nvjpegHandle_t, nvjpegJpegState_t *);
  nvjpegStatus_t (*nvjpegJpegStateDestroy)(nvjpegJpegState_t);
  nvjpegStatus_t (*nvjpegGetImageInfo)(nvjpegHandle_t, const unsigned char *, size_t, int *, int *, int *, int *);
  nvjpegStatus_t (*nvjpegDecode)(nvjpegHandle_t, nvjpegJpegState_t, const unsigned char *, size_t, int,
                                 nvjpegImage_t *, CUstream);
  nvjpegStatus_t (*nvjpegJpegStreamCreate)(nvjpegHandle_t, nvjpegJpegStream_t *);
  nvjpegStatus_t (*nvjpegJpegStreamDestroy)(nvjpegJpegStream_t);
  nvjpegStatus_t (*nvjpegJpegStreamParse)(nvjpegHandle_t, const unsigned char *, size_t, int, int,
                                          nvjpegJpegStream_t);
  nvjpegStatus_t (*nvjpegDecodeBatchedSupported)(nvjpegHandle_t, nvjpegJpegStream_t, int *);
  nvjpegStatus_t (*nvjpegDecodeBatchedInitialize)(nvjpegHandle_t, nvjpegJpegState_t, int, int, int);
  nvjpegStatus_t (*nvjpegDecodeBatched)(nvjpegHandle_t, nvjpegJpegState_t, const unsigned char *const *,
                                        const size_t *, nvjpegImage_t *, CUstream);
} NvjpegApi;

#endif
