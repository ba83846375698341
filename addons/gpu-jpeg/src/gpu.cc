// Opens libcuda and nvJPEG with dlopen, decodes batches (the hardware engine's batched decode where the
// card has one, the CUDA backend otherwise or for what the engine declines) and runs the resize kernel.
#include "gpu.h"
#include <dlfcn.h>
#include <string.h>
#include "kernels.ptx.h"
#include "loader.h"
#include "resample.h"

namespace {

const size_t ALIGN = 256;
size_t aligned(size_t n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

/* The first pass's output: the crop's columns over every row, or its rows over every column. */
size_t modelTmpBytes(const GjPlan &p, int size) {
  const size_t a = (size_t)size * p.height, b = (size_t)p.width * size;
  return 3 * (a > b ? a : b);
}

}  // namespace

std::string GjDecoder::cuError(const char *what, CUresult r) {
  const char *name = nullptr;
  if (cu_.cuGetErrorName) cu_.cuGetErrorName(r, &name);
  return std::string(what) + ": " + (name ? name : "CUDA error " + std::to_string(r));
}

GjProbe GjDecoder::open(int ordinal, const std::string &dir, size_t budget) {
  std::lock_guard<std::mutex> hold(lock_);
  GjProbe probe;
  budget_ = budget;
  std::string error, missing;
  static const char *const cudaNames[] = {"libcuda.so.1", nullptr};
  cudaLib_ = gjOpenFirst(dir, cudaNames, error);
  if (!cudaLib_) {
    probe.reason = "no NVIDIA driver: libcuda.so.1 did not load (" + error + ")";
    return probe;
  }
  resolve(cudaLib_, cu_.cuInit, "cuInit", missing);
  resolve(cudaLib_, cu_.cuDeviceGetCount, "cuDeviceGetCount", missing);
  resolve(cudaLib_, cu_.cuDeviceGet, "cuDeviceGet", missing);
  resolve(cudaLib_, cu_.cuDeviceGetName, "cuDeviceGetName", missing);
  resolve(cudaLib_, cu_.cuDeviceTotalMem, "cuDeviceTotalMem_v2", missing);
  resolve(cudaLib_, cu_.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", missing);
  resolve(cudaLib_, cu_.cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2", missing);
  resolve(cudaLib_, cu_.cuCtxSetCurrent, "cuCtxSetCurrent", missing);
  resolve(cudaLib_, cu_.cuModuleLoadData, "cuModuleLoadData", missing);
  resolve(cudaLib_, cu_.cuModuleUnload, "cuModuleUnload", missing);
  resolve(cudaLib_, cu_.cuModuleGetFunction, "cuModuleGetFunction", missing);
  resolve(cudaLib_, cu_.cuLaunchKernel, "cuLaunchKernel", missing);
  resolve(cudaLib_, cu_.cuMemAlloc, "cuMemAlloc_v2", missing);
  resolve(cudaLib_, cu_.cuMemFree, "cuMemFree_v2", missing);
  resolve(cudaLib_, cu_.cuMemAllocHost, "cuMemAllocHost_v2", missing);
  resolve(cudaLib_, cu_.cuMemFreeHost, "cuMemFreeHost", missing);
  resolve(cudaLib_, cu_.cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2", missing);
  resolve(cudaLib_, cu_.cuStreamCreate, "cuStreamCreate", missing);
  resolve(cudaLib_, cu_.cuStreamDestroy, "cuStreamDestroy_v2", missing);
  resolve(cudaLib_, cu_.cuStreamSynchronize, "cuStreamSynchronize", missing);
  std::string optional;
  resolve(cudaLib_, cu_.cuGetErrorName, "cuGetErrorName", optional);
  if (!missing.empty()) {
    probe.reason = "the NVIDIA driver is too old: libcuda.so.1 has no " + missing;
    return probe;
  }
  CUresult r = cu_.cuInit(0);
  if (r != 0) {
    probe.reason = "the NVIDIA driver did not start (" + cuError("cuInit", r) + ")";
    return probe;
  }
  int count = 0;
  r = cu_.cuDeviceGetCount(&count);
  if (r != 0 || count == 0) {
    probe.reason = "no CUDA device found";
    return probe;
  }
  if (ordinal < 0 || ordinal >= count) {
    probe.reason = "no CUDA device " + std::to_string(ordinal) + " (" + std::to_string(count) + " found)";
    return probe;
  }
  char name[256] = {0};
  if ((r = cu_.cuDeviceGet(&device_, ordinal)) != 0 || (r = cu_.cuDeviceGetName(name, sizeof name - 1, device_)) != 0) {
    probe.reason = cuError("the CUDA device did not answer", r);
    return probe;
  }
  probe.device = name;
  if (budget_ == 0) {
    // An eighth of the card, at most 4 GiB (about 110 decoded 12 MP photos): the model shares the card.
    size_t total = 0;
    cu_.cuDeviceTotalMem(&total, device_);
    budget_ = total / 8 < ((size_t)4 << 30) ? total / 8 : ((size_t)4 << 30);
    if (budget_ < ((size_t)256 << 20)) budget_ = (size_t)256 << 20;
  }
  if ((r = cu_.cuDevicePrimaryCtxRetain(&context_, device_)) != 0 || (r = cu_.cuCtxSetCurrent(context_)) != 0) {
    context_ = nullptr;
    probe.reason = cuError("no CUDA context on the device", r);
    return probe;
  }

  error.clear();
  static const char *const nvjpegNames[] = {"libnvjpeg.so.13", "libnvjpeg.so.12", nullptr};
  nvjpegLib_ = gjOpenFirst(dir, nvjpegNames, error);
  if (!nvjpegLib_) {
    probe.reason = "nvJPEG is not installed (libnvjpeg.so.13 or .so.12; " + error + ")";
    return probe;
  }
  Dl_info info;
  if (dladdr(dlsym(nvjpegLib_, "nvjpegCreateEx"), &info) && info.dli_fname) probe.nvjpegLibrary = info.dli_fname;
  resolve(nvjpegLib_, nj_.nvjpegCreateEx, "nvjpegCreateEx", missing);
  resolve(nvjpegLib_, nj_.nvjpegDestroy, "nvjpegDestroy", missing);
  resolve(nvjpegLib_, nj_.nvjpegJpegStateCreate, "nvjpegJpegStateCreate", missing);
  resolve(nvjpegLib_, nj_.nvjpegJpegStateDestroy, "nvjpegJpegStateDestroy", missing);
  resolve(nvjpegLib_, nj_.nvjpegGetImageInfo, "nvjpegGetImageInfo", missing);
  resolve(nvjpegLib_, nj_.nvjpegDecode, "nvjpegDecode", missing);
  resolve(nvjpegLib_, nj_.nvjpegJpegStreamCreate, "nvjpegJpegStreamCreate", missing);
  resolve(nvjpegLib_, nj_.nvjpegJpegStreamDestroy, "nvjpegJpegStreamDestroy", missing);
  resolve(nvjpegLib_, nj_.nvjpegJpegStreamParse, "nvjpegJpegStreamParse", missing);
  resolve(nvjpegLib_, nj_.nvjpegDecodeBatchedSupported, "nvjpegDecodeBatchedSupported", missing);
  resolve(nvjpegLib_, nj_.nvjpegDecodeBatchedInitialize, "nvjpegDecodeBatchedInitialize", missing);
  resolve(nvjpegLib_, nj_.nvjpegDecodeBatched, "nvjpegDecodeBatched", missing);
  if (!missing.empty()) {
    probe.reason = "nvJPEG is too old: it has no " + missing;
    return probe;
  }

  nvjpegStatus_t s = nj_.nvjpegCreateEx(NVJPEG_BACKEND_HARDWARE, nullptr, nullptr, 0, &hw_);
  if (s == 0) s = nj_.nvjpegJpegStateCreate(hw_, &hwState_);
  if (s == 0) s = nj_.nvjpegJpegStreamCreate(hw_, &jpegStream_);
  if (s != 0) {
    probe.hardwareReason = "no hardware JPEG engine (" + nvjpegStatusText(s) + ")";
    if (hwState_) nj_.nvjpegJpegStateDestroy(hwState_);
    if (hw_) nj_.nvjpegDestroy(hw_);
    hw_ = hwState_ = nullptr;
  }
  s = nj_.nvjpegCreateEx(NVJPEG_BACKEND_DEFAULT, nullptr, nullptr, 0, &cuda_);
  if (s == 0) s = nj_.nvjpegJpegStateCreate(cuda_, &cudaState_);
  if (s != 0) {
    if (cuda_) nj_.nvjpegDestroy(cuda_);
    cuda_ = nullptr;
    if (!hw_) {
      probe.reason = "nvJPEG did not start (" + nvjpegStatusText(s) + ")";
      return probe;
    }
  }
  probe.backend = hw_ ? "hardware" : "cuda";

  if ((r = cu_.cuModuleLoadData(&module_, GJ_KERNELS_PTX)) != 0) {
    module_ = nullptr;
    probe.reason = "the driver could not load the resize kernel (" + cuError("cuModuleLoadData", r) + ")";
    return probe;
  }
  if ((r = cu_.cuModuleGetFunction(&kernel_, module_, "gj_resample")) != 0 ||
      (r = cu_.cuStreamCreate(&stream_, 0)) != 0) {
    probe.reason = cuError("the resize kernel did not start", r);
    return probe;
  }
  open_ = true;
  probe.ok = true;
  return probe;
}

CUresult GjDecoder::ensureArena(size_t bytes) {
  if (bytes <= arenaBytes_) return 0;
  if (arena_) cu_.cuMemFree(arena_);
  arena_ = 0;
  arenaBytes_ = 0;
  CUresult r = cu_.cuMemAlloc(&arena_, bytes);
  if (r == 0) arenaBytes_ = bytes;
  return r;
}

CUresult GjDecoder::ensureHost(size_t bytes) {
  if (bytes <= hostBytes_) return 0;
  if (host_) hostPinned_ ? (void)cu_.cuMemFreeHost(host_) : free(host_);
  host_ = nullptr;
  hostBytes_ = 0;
  // Pinned memory lets the copy run at full PCIe speed; plain memory still works where pinning fails.
  void *p = nullptr;
  hostPinned_ = cu_.cuMemAllocHost(&p, bytes) == 0;
  if (!hostPinned_) p = malloc(bytes);
  if (!p) return 2; /* CUDA_ERROR_OUT_OF_MEMORY */
  host_ = static_cast<unsigned char *>(p);
  hostBytes_ = bytes;
  return 0;
}

bool GjDecoder::decodeOne(GjItem &item, nvjpegImage_t &out) {
  if (!cuda_) {
    item.error = "the hardware JPEG engine declined it and nvJPEG's CUDA backend is not available";
    return false;
  }
  nvjpegStatus_t s = nj_.nvjpegDecode(cuda_, cudaState_, item.data, item.length, NVJPEG_OUTPUT_RGBI, &out, stream_);
  if (s != 0) {
    item.error = "nvJPEG rejected it (" + nvjpegStatusText(s) + ")";
    return false;
  }
  item.backend = "cuda";
  return true;
}

std::string GjDecoder::decode(std::vector<GjItem> &items, int modelSize, int filter) {
  std::lock_guard<std::mutex> hold(lock_);
  if (!open_) return "the GPU decoder is not open";
  CUresult r = cu_.cuCtxSetCurrent(context_);
  if (r != 0) return cuError("cuCtxSetCurrent", r);
  nvjpegHandle_t infoHandle = hw_ ? hw_ : cuda_;
  std::vector<GjItem *> chunk;
  size_t chunkBytes = 0;
  for (GjItem &item : items) {
    int components = 0, subsampling = 0, widths[NVJPEG_MAX_COMPONENT] = {0}, heights[NVJPEG_MAX_COMPONENT] = {0};
    nvjpegStatus_t s =
        nj_.nvjpegGetImageInfo(infoHandle, item.data, item.length, &components, &subsampling, widths, heights);
    if (s != 0) {
      item.error = "nvJPEG could not read its header (" + nvjpegStatusText(s) + ")";
      continue;
    }
    if (widths[0] != item.plan.width || heights[0] != item.plan.height) {
      item.error = "nvJPEG reads " + std::to_string(widths[0]) + "x" + std::to_string(heights[0]) +
                   ", the header parser " + std::to_string(item.plan.width) + "x" + std::to_string(item.plan.height);
      continue;
    }
    const GjPlan &p = item.plan;
    size_t bytes = aligned((size_t)p.width * p.height * 3) + aligned(modelTmpBytes(p, modelSize)) +
                   aligned((size_t)p.thumbWidth * 3 * p.height) + aligned((size_t)modelSize * modelSize * 3) +
                   aligned((size_t)p.thumbWidth * p.thumbHeight * 3);
    if (!chunk.empty() && chunkBytes + bytes > budget_) {
      std::string failure = decodeChunk(chunk, modelSize, filter);
      if (!failure.empty()) return failure;
      chunk.clear();
      chunkBytes = 0;
    }
    chunk.push_back(&item);
    chunkBytes += bytes;
  }
  return chunk.empty() ? "" : decodeChunk(chunk, modelSize, filter);
}

std::string GjDecoder::decodeChunk(std::vector<GjItem *> &chunk, int modelSize, int filter) {
  const size_t n = chunk.size();
  // Outputs first, back to back, so that one copy brings every result home.
  std::vector<size_t> modelAt(n), thumbAt(n), decodeAt(n), modelTmpAt(n), thumbTmpAt(n);
  size_t offset = 0;
  for (size_t i = 0; i < n; i++) {
    const GjPlan &p = chunk[i]->plan;
    modelAt[i] = offset;
    offset += (size_t)modelSize * modelSize * 3;
    thumbAt[i] = offset;
    offset += (size_t)p.thumbWidth * p.thumbHeight * 3;
  }
  const size_t outputBytes = offset;
  offset = aligned(offset);
  for (size_t i = 0; i < n; i++) {
    const GjPlan &p = chunk[i]->plan;
    decodeAt[i] = offset;
    offset += aligned((size_t)p.width * p.height * 3);
    modelTmpAt[i] = offset;
    offset += aligned(modelTmpBytes(p, modelSize));
    thumbTmpAt[i] = offset;
    offset += aligned((size_t)p.thumbWidth * 3 * p.height);
  }
  CUresult r = ensureArena(offset);
  if (r != 0) return cuError("device memory for the batch", r);
  if ((r = ensureHost(outputBytes ? outputBytes : 1)) != 0) return cuError("host memory for the results", r);

  std::vector<nvjpegImage_t> images(n);
  for (size_t i = 0; i < n; i++) {
    memset(&images[i], 0, sizeof(nvjpegImage_t));
    images[i].channel[0] = reinterpret_cast<unsigned char *>(arena_ + decodeAt[i]);
    images[i].pitch[0] = (size_t)chunk[i]->plan.width * 3;
  }
  std::vector<bool> decoded(n, false);
  std::vector<size_t> batch;  // indices the hardware engine takes
  if (hw_) {
    for (size_t i = 0; i < n; i++) {
      int unsupported = 1;
      if (nj_.nvjpegJpegStreamParse(hw_, chunk[i]->data, chunk[i]->length, 0, 0, jpegStream_) == 0 &&
          nj_.nvjpegDecodeBatchedSupported(hw_, jpegStream_, &unsupported) == 0 && unsupported == 0)
        batch.push_back(i);
    }
  }
  if (!batch.empty()) {
    std::vector<const unsigned char *> data;
    std::vector<size_t> lengths;
    std::vector<nvjpegImage_t> outs;
    for (size_t i : batch) {
      data.push_back(chunk[i]->data);
      lengths.push_back(chunk[i]->length);
      outs.push_back(images[i]);
    }
    nvjpegStatus_t s = nj_.nvjpegDecodeBatchedInitialize(hw_, hwState_, (int)batch.size(), 1, NVJPEG_OUTPUT_RGBI);
    if (s == 0) s = nj_.nvjpegDecodeBatched(hw_, hwState_, data.data(), lengths.data(), outs.data(), stream_);
    if (s == 0) {
      for (size_t i : batch) {
        decoded[i] = true;
        chunk[i]->backend = "hardware";
      }
    }
    // Otherwise one file spoiled the batch: each is decoded on its own below to find which.
  }
  for (size_t i = 0; i < n; i++)
    if (!decoded[i]) decoded[i] = decodeOne(*chunk[i], images[i]);

  const unsigned block[2] = {32, 8};
  auto launch = [&](GjPass pass) -> CUresult {
    const unsigned a = pass.vertical ? pass.lines : pass.count;
    const unsigned b = pass.vertical ? pass.count : pass.lines;
    void *args[] = {&pass};
    return cu_.cuLaunchKernel(kernel_, (a + block[0] - 1) / block[0], (b + block[1] - 1) / block[1], 1, block[0],
                              block[1], 1, 0, stream_, args, nullptr);
  };
  for (size_t i = 0; i < n && r == 0; i++) {
    if (!decoded[i]) continue;
    const GjPlan &p = chunk[i]->plan;
    const CUdeviceptr src = arena_ + decodeAt[i];
    GjPass model[2];
    gj_crop_passes(p.width, p.height, p.resizeWidth, p.resizeHeight, p.left, p.top, modelSize, p.verticalFirst,
                   filter, src, arena_ + modelTmpAt[i], arena_ + modelAt[i], model);
    r = launch(model[0]);
    if (r == 0) r = launch(model[1]);
    if (r == 0 && p.thumbWidth > 0) {
      r = launch({src, arena_ + thumbTmpAt[i], p.width * 3, p.thumbWidth * 3, p.width, p.thumbWidth, 0,
                  p.thumbWidth, p.height, 0, filter});
      if (r == 0)
        r = launch({arena_ + thumbTmpAt[i], arena_ + thumbAt[i], p.thumbWidth * 3, p.thumbWidth * 3, p.height,
                    p.thumbHeight, 0, p.thumbHeight, p.thumbWidth, 1, filter});
    }
  }
  if (r != 0) return cuError("the resize kernel did not launch", r);
  if (outputBytes && (r = cu_.cuMemcpyDtoHAsync(host_, arena_, outputBytes, stream_)) != 0)
    return cuError("copying results to the host", r);
  if ((r = cu_.cuStreamSynchronize(stream_)) != 0) return cuError("the GPU failed during the batch", r);
  for (size_t i = 0; i < n; i++) {
    if (!decoded[i]) continue;
    const GjPlan &p = chunk[i]->plan;
    chunk[i]->model.assign(host_ + modelAt[i], host_ + modelAt[i] + (size_t)modelSize * modelSize * 3);
    chunk[i]->thumb.assign(host_ + thumbAt[i], host_ + thumbAt[i] + (size_t)p.thumbWidth * p.thumbHeight * 3);
    chunk[i]->ok = true;
  }
  return "";
}

void GjDecoder::close() {
  std::lock_guard<std::mutex> hold(lock_);
  if (context_) cu_.cuCtxSetCurrent(context_);
  if (jpegStream_) nj_.nvjpegJpegStreamDestroy(jpegStream_);
  if (hwState_) nj_.nvjpegJpegStateDestroy(hwState_);
  if (cudaState_) nj_.nvjpegJpegStateDestroy(cudaState_);
  if (hw_) nj_.nvjpegDestroy(hw_);
  if (cuda_) nj_.nvjpegDestroy(cuda_);
  jpegStream_ = hwState_ = cudaState_ = hw_ = cuda_ = nullptr;
  if (arena_) cu_.cuMemFree(arena_);
  arena_ = 0;
  arenaBytes_ = 0;
  if (host_) hostPinned_ ? (void)cu_.cuMemFreeHost(host_) : free(host_);
  host_ = nullptr;
  hostBytes_ = 0;
  if (stream_) cu_.cuStreamDestroy(stream_);
  stream_ = nullptr;
  if (module_) cu_.cuModuleUnload(module_);
  module_ = nullptr;
  if (context_) cu_.cuDevicePrimaryCtxRelease(device_);
  context_ = nullptr;
  open_ = false;
  // The libraries stay loaded: unloading the CUDA runtime inside nvJPEG at exit is not safe.
}
