/* A stand-in for libnvjpeg.so.13 in tests: reads the frame size from the JPEG's SOF marker and "decodes"
 * to a known gradient (x → red, y → green), so a test can compute the expected resize exactly.
 * Switches: GJ_STUB_NO_HARDWARE=1 refuses the hardware backend like a card without a JPEG engine; a
 * file holding the bytes GJ-STUB-FAIL is rejected (and spoils a hardware batch); GJ_STUB_LOG=<file>
 * records each call that decodes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/api.h"

static int handles[8];
static int states[8];
static int streams[8];

static void log_line(const char *line) {
  const char *path = getenv("GJ_STUB_LOG");
  if (!path || !*path) return;
  FILE *f = fopen(path, "a");
  if (!f) return;
  fprintf(f, "%s\n", line);
  fclose(f);
}

static int frame_size(const unsigned char *d, size_t n, int *w, int *h) {
  for (size_t i = 2; i + 9 < n; i++)
    if (d[i] == 0xff && d[i + 1] >= 0xc0 && d[i + 1] <= 0xc2) {
      *h = d[i + 5] << 8 | d[i + 6];
      *w = d[i + 7] << 8 | d[i + 8];
      return 1;
    }
  return 0;
}

static int poisoned(const unsigned char *d, size_t n) {
  const char *mark = "GJ-STUB-FAIL";
  size_t m = strlen(mark);
  for (size_t i = 0; i + m <= n; i++)
    if (memcmp(d + i, mark, m) == 0) return 1;
  return 0;
}

static nvjpegStatus_t fill(const unsigned char *d, size_t n, nvjpegImage_t *out) {
  int w, h;
  if (!frame_size(d, n, &w, &h) || poisoned(d, n)) return 3; /* BAD_JPEG */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      unsigned char *p = out->channel[0] + (size_t)y * out->pitch[0] + (size_t)x * 3;
      p[0] = (unsigned char)(w > 1 ? x * 255 / (w - 1) : 0);
      p[1] = (unsigned char)(h > 1 ? y * 255 / (h - 1) : 0);
      p[2] = (unsigned char)((x + y) % 256);
    }
  return 0;
}

nvjpegStatus_t nvjpegCreateEx(int backend, void *a, void *b, unsigned int flags, nvjpegHandle_t *h) {
  (void)a; (void)b; (void)flags;
  if (backend == NVJPEG_BACKEND_HARDWARE && getenv("GJ_STUB_NO_HARDWARE")) return 7; /* ARCH_MISMATCH */
  *h = &handles[backend & 7];
  return 0;
}
nvjpegStatus_t nvjpegDestroy(nvjpegHandle_t h) { (void)h; return 0; }
nvjpegStatus_t nvjpegJpegStateCreate(nvjpegHandle_t h, nvjpegJpegState_t *s) {
  *s = &states[(int *)h - handles];
  return 0;
}
nvjpegStatus_t nvjpegJpegStateDestroy(nvjpegJpegState_t s) { (void)s; return 0; }
nvjpegStatus_t nvjpegGetImageInfo(nvjpegHandle_t h, const unsigned char *d, size_t n, int *c, int *sub, int *w, int *hh) {
  (void)h;
  *c = 3;
  *sub = 2;
  return frame_size(d, n, w, hh) ? 0 : 3;
}
nvjpegStatus_t nvjpegDecode(nvjpegHandle_t h, nvjpegJpegState_t s, const unsigned char *d, size_t n, int format,
                            nvjpegImage_t *out, CUstream stream) {
  (void)h; (void)s; (void)stream;
  if (format != NVJPEG_OUTPUT_RGBI) return 2; /* INVALID_PARAMETER */
  nvjpegStatus_t r = fill(d, n, out);
  log_line(r == 0 ? "cuda-decode ok" : "cuda-decode rejected");
  return r;
}
nvjpegStatus_t nvjpegJpegStreamCreate(nvjpegHandle_t h, nvjpegJpegStream_t *s) {
  *s = &streams[(int *)h - handles];
  return 0;
}
nvjpegStatus_t nvjpegJpegStreamDestroy(nvjpegJpegStream_t s) { (void)s; return 0; }
nvjpegStatus_t nvjpegJpegStreamParse(nvjpegHandle_t h, const unsigned char *d, size_t n, int meta, int keep,
                                     nvjpegJpegStream_t s) {
  (void)h; (void)meta; (void)keep; (void)s;
  int w, hh;
  return frame_size(d, n, &w, &hh) ? 0 : 3;
}
nvjpegStatus_t nvjpegDecodeBatchedSupported(nvjpegHandle_t h, nvjpegJpegStream_t s, int *unsupported) {
  (void)h; (void)s;
  *unsupported = 0;
  return 0;
}
static int batch_size;
nvjpegStatus_t nvjpegDecodeBatchedInitialize(nvjpegHandle_t h, nvjpegJpegState_t s, int n, int threads, int format) {
  (void)s; (void)threads;
  if (h != &handles[NVJPEG_BACKEND_HARDWARE] || format != NVJPEG_OUTPUT_RGBI) return 2;
  batch_size = n;
  return 0;
}
nvjpegStatus_t nvjpegDecodeBatched(nvjpegHandle_t h, nvjpegJpegState_t s, const unsigned char *const *d,
                                   const size_t *n, nvjpegImage_t *out, CUstream stream) {
  (void)h; (void)s; (void)stream;
  char line[64];
  for (int i = 0; i < batch_size; i++)
    if (fill(d[i], n[i], &out[i]) != 0) {
      log_line("hw-batch rejected");
      return 3;
    }
  snprintf(line, sizeof line, "hw-batch %d", batch_size);
  log_line(line);
  return 0;
}
