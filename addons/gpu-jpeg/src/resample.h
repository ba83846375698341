/* The resampling maths shared by the CUDA kernel and the host build: Pillow's separable, antialiased
 * convolution (the filter's support widens with the downscale factor), in Pillow's 8-bit fixed point,
 * so the GPU's model input matches what open_clip's transform computes from the same decoded pixels. */
#ifndef GJ_RESAMPLE_H
#define GJ_RESAMPLE_H

#ifdef __CUDACC__
#define GJ_HD static __host__ __device__ __forceinline__
#else
#define GJ_HD static inline
#endif

enum { GJ_BICUBIC = 0, GJ_BILINEAR = 1 };

/* Pillow keeps 22 fractional bits for 8-bit images (32 − 8 − 2). */
#define GJ_PRECISION_BITS 22

/* One pass along one axis: for each of `lines` lines, the resized samples [outOffset, outOffset+count)
 * of a resize from inSize to outSize along the axis. Addresses are integers so one struct serves device
 * pointers (CUdeviceptr) and host pointers. Pixels are packed RGB, 3 bytes. */
typedef struct {
  unsigned long long src;
  unsigned long long dst;
  int srcPitch;
  int dstPitch;
  int inSize;
  int outSize;
  int outOffset;
  int count;
  int lines;
  int vertical; /* 0: resample along x, lines are rows; 1: along y, lines are columns */
  int filter;
} GjPass;

GJ_HD float gj_filter(int filter, float x) {
  if (x < 0.0f) x = -x;
  if (filter == GJ_BILINEAR) return x < 1.0f ? 1.0f - x : 0.0f;
  /* Keys' cubic with a = −0.5, as Pillow's BICUBIC. */
  const float a = -0.5f;
  if (x < 1.0f) return ((a + 2.0f) * x - (a + 3.0f)) * x * x + 1.0f;
  if (x < 2.0f) return (((x - 5.0f) * x + 8.0f) * x - 4.0f) * a;
  return 0.0f;
}

GJ_HD float gj_support(int filter) { return filter == GJ_BILINEAR ? 1.0f : 2.0f; }

/* Computes resized sample `i` (of the pass's count) on line `line`: Pillow's window, weights normalised
 * to sum 1, rounded to fixed point, accumulated from a half, clipped to 0..255. */
GJ_HD void gj_resample_one(const GjPass *p, int i, int line) {
  const float scale = (float)p->inSize / (float)p->outSize;
  const float filterscale = scale < 1.0f ? 1.0f : scale;
  const float support = gj_support(p->filter) * filterscale;
  const float ss = 1.0f / filterscale;
  const float center = ((float)(p->outOffset + i) + 0.5f) * scale;
  int xmin = (int)(center - support + 0.5f);
  if (xmin < 0) xmin = 0;
  int xmax = (int)(center + support + 0.5f);
  if (xmax > p->inSize) xmax = p->inSize;
  float ww = 0.0f;
  for (int x = xmin; x < xmax; x++) ww += gj_filter(p->filter, ((float)x - center + 0.5f) * ss);
  const float norm = ww != 0.0f ? 1.0f / ww : 0.0f;
  int acc0 = 1 << (GJ_PRECISION_BITS - 1), acc1 = acc0, acc2 = acc0;
  const unsigned char *src = (const unsigned char *)(size_t)p->src;
  const long long step = p->vertical ? (long long)p->srcPitch : 3;
  const unsigned char *base =
      src + (p->vertical ? (long long)line * 3 : (long long)line * p->srcPitch) + (long long)xmin * step;
  for (int x = xmin; x < xmax; x++, base += step) {
    const float k = gj_filter(p->filter, ((float)x - center + 0.5f) * ss) * norm;
    const float fixed = k * (float)(1 << GJ_PRECISION_BITS);
    const int kk = (int)(k < 0.0f ? fixed - 0.5f : fixed + 0.5f);
    acc0 += base[0] * kk;
    acc1 += base[1] * kk;
    acc2 += base[2] * kk;
  }
  unsigned char *dst = (unsigned char *)(size_t)p->dst +
                       (p->vertical ? (long long)i * p->dstPitch + (long long)line * 3
                                    : (long long)line * p->dstPitch + (long long)i * 3);
  const int v[3] = {acc0 >> GJ_PRECISION_BITS, acc1 >> GJ_PRECISION_BITS, acc2 >> GJ_PRECISION_BITS};
  for (int c = 0; c < 3; c++) dst[c] = (unsigned char)(v[c] < 0 ? 0 : v[c] > 255 ? 255 : v[c]);
}

/* One thread of the kernel's grid: consecutive threads (a) take consecutive pixels along a row, so
 * reads and writes stay coalesced: along x in the horizontal pass, across columns in the vertical one. */
GJ_HD void gj_thread(const GjPass *p, int a, int b) {
  const int i = p->vertical ? b : a;
  const int line = p->vertical ? a : b;
  if (i < p->count && line < p->lines) gj_resample_one(p, i, line);
}

/* The two passes that resize a stored width × height image to resizeWidth × resizeHeight and keep the
 * size × size square at (left, top). Pillow resizes along x first, then y, in the upright image; for
 * orientations that swap the axes (verticalFirst) that order is y first in the stored frame. `tmp` holds
 * max(size × height, width × size) pixels. */
static inline void gj_crop_passes(int width, int height, int resizeWidth, int resizeHeight, int left, int top,
                                  int size, int verticalFirst, int filter, unsigned long long src,
                                  unsigned long long tmp, unsigned long long dst, GjPass out[2]) {
  const GjPass x = {src, tmp, width * 3, size * 3, width, resizeWidth, left, size, height, 0, filter};
  const GjPass y = {tmp, dst, size * 3, size * 3, height, resizeHeight, top, size, size, 1, filter};
  const GjPass yFirst = {src, tmp, width * 3, width * 3, height, resizeHeight, top, size, width, 1, filter};
  const GjPass xThen = {tmp, dst, width * 3, size * 3, width, resizeWidth, left, size, size, 0, filter};
  out[0] = verticalFirst ? yFirst : x;
  out[1] = verticalFirst ? xThen : y;
}

/* The host's loop over what the kernel's grid covers (tests, stubs and the fidelity check). */
static inline void gj_run_pass_host(const GjPass *p) {
  for (int line = 0; line < p->lines; line++)
    for (int i = 0; i < p->count; i++) gj_resample_one(p, i, line);
}

#endif
