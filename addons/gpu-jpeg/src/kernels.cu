// The CUDA side of the GPU decoder: one resampling pass per launch, each thread one output pixel.
// Compiled to PTX by build-ptx.sh; the addon loads it with cuModuleLoadData at run time.
#include "resample.h"

extern "C" __global__ void gj_resample(GjPass p) {
  gj_thread(&p, blockIdx.x * blockDim.x + threadIdx.x, blockIdx.y * blockDim.y + threadIdx.y);
}
