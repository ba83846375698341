/* The GPU decoder behind the addon: opens the driver and nvJPEG, decodes a batch of JPEGs and resizes
 * each into the model input and the thumbnail with the resampling kernel, all in the primary context. */
#ifndef GJ_GPU_H
#define GJ_GPU_H
#include <mutex>
#include <string>
#include <vector>
#include "api.h"

/* What JavaScript planned for one image, in the file's stored (unrotated) frame. */
struct GjPlan {
  int width, height;             /* as the frame header says; nvJPEG must agree */
  int resizeWidth, resizeHeight; /* model resize before the crop */
  int left, top;                 /* crop offset in the resized image */
  int thumbWidth, thumbHeight;   /* 0 × 0: no thumbnail */
  int verticalFirst;             /* 1 for orientations 5–8: Pillow's x-then-y order in the upright frame */
};

/* Numbers per image in the plans array JavaScript passes. */
#define GJ_PLAN_INTS 9

struct GjItem {
  const unsigned char *data;
  size_t length;
  GjPlan plan;
  /* results */
  bool ok = false;
  std::string error;
  std::string backend; /* "hardware" or "cuda" */
  std::vector<unsigned char> model, thumb;
};

struct GjProbe {
  bool ok = false;
  std::string reason;         /* one line when !ok */
  std::string backend;        /* "hardware" or "cuda" */
  std::string hardwareReason; /* why the hardware engine is not used, when it is not */
  std::string device, nvjpegLibrary;
};

class GjDecoder {
 public:
  /* Opens everything; the result says why not in one line. `libraryDir` is tried first when set;
   * `memoryBudget` bounds the device memory of one decode round (0: chosen from the card's size). */
  GjProbe open(int deviceOrdinal, const std::string &libraryDir, size_t memoryBudget);
  /* Decodes and resizes `items` in place; returns an error only for a failure of the whole batch
   * (a lost device, a kernel that would not run). Per-image failures land in each item. */
  std::string decode(std::vector<GjItem> &items, int modelSize, int filter);
  void close();
  ~GjDecoder() { close(); }

 private:
  std::string decodeChunk(std::vector<GjItem *> &chunk, int modelSize, int filter);
  bool decodeOne(GjItem &item, nvjpegImage_t &out);
  CUresult ensureArena(size_t bytes);
  CUresult ensureHost(size_t bytes);
  std::string cuError(const char *what, CUresult r);

  std::mutex lock_;
  void *cudaLib_ = nullptr, *nvjpegLib_ = nullptr;
  CudaApi cu_{};
  NvjpegApi nj_{};
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
  CUmodule module_ = nullptr;
  CUfunction kernel_ = nullptr;
  CUstream stream_ = nullptr;
  nvjpegHandle_t hw_ = nullptr, cuda_ = nullptr;
  nvjpegJpegState_t hwState_ = nullptr, cudaState_ = nullptr;
  nvjpegJpegStream_t jpegStream_ = nullptr;
  CUdeviceptr arena_ = 0;
  size_t arenaBytes_ = 0;
  unsigned char *host_ = nullptr;
  bool hostPinned_ = false;
  size_t hostBytes_ = 0;
  size_t budget_ = 0;
  bool open_ = false;
};

#endif
