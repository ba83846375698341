// The addon's JavaScript face (plain N-API, so one binary serves Node and Electron): open() probes and
// opens the GPU decoder, decode() runs a batch off the main thread, resampleHost() runs the kernel's
// maths on the CPU for fidelity checks, close() releases the device.
#include <node_api.h>
#include <string.h>
#include <string>
#include <vector>
#include "gpu.h"
#include "resample.h"

namespace {

GjDecoder decoder;
GjProbe lastProbe;
bool opened = false;

#define CHECK(call)                                 \
  do {                                              \
    if ((call) != napi_ok) {                        \
      napi_throw_error(env, nullptr, #call " failed"); \
      return nullptr;                               \
    }                                               \
  } while (0)

napi_value str(napi_env env, const std::string &s) {
  napi_value v;
  napi_create_string_utf8(env, s.c_str(), s.size(), &v);
  return v;
}

void set(napi_env env, napi_value obj, const char *key, napi_value v) { napi_set_named_property(env, obj, key, v); }

napi_value boolean(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

napi_value bufferCopy(napi_env env, const std::vector<unsigned char> &bytes) {
  napi_value v;
  void *data;
  napi_create_buffer_copy(env, bytes.size(), bytes.empty() ? "" : (const void *)bytes.data(), &data, &v);
  return v;
}

int32_t intArg(napi_env env, napi_value v, int32_t fallback) {
  int32_t out = fallback;
  if (napi_get_value_int32(env, v, &out) != napi_ok) return fallback;
  return out;
}

napi_value probeObject(napi_env env, const GjProbe &p) {
  napi_value o;
  napi_create_object(env, &o);
  set(env, o, "ok", boolean(env, p.ok));
  set(env, o, "reason", str(env, p.reason));
  set(env, o, "backend", str(env, p.backend));
  set(env, o, "hardwareReason", str(env, p.hardwareReason));
  set(env, o, "device", str(env, p.device));
  set(env, o, "nvjpegLibrary", str(env, p.nvjpegLibrary));
  return o;
}

/* open({device, libraryDir, memoryBudget}) → probe; opening twice returns the first answer. */
napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (!opened) {
    int device = 0;
    std::string dir;
    double budget = 0;  // chosen from the card's memory
    if (argc > 0) {
      napi_value v;
      napi_valuetype t;
      if (napi_get_named_property(env, argv[0], "device", &v) == napi_ok) device = intArg(env, v, 0);
      if (napi_get_named_property(env, argv[0], "libraryDir", &v) == napi_ok && napi_typeof(env, v, &t) == napi_ok &&
          t == napi_string) {
        char buf[4096];
        size_t len = 0;
        napi_get_value_string_utf8(env, v, buf, sizeof buf, &len);
        dir.assign(buf, len);
      }
      if (napi_get_named_property(env, argv[0], "memoryBudget", &v) == napi_ok && napi_typeof(env, v, &t) == napi_ok &&
          t == napi_number)
        napi_get_value_double(env, v, &budget);
    }
    lastProbe = decoder.open(device, dir, (size_t)budget);
    if (!lastProbe.ok) decoder.close();
    opened = true;
  }
  return probeObject(env, lastProbe);
}

napi_value Close(napi_env env, napi_callback_info) {
  decoder.close();
  opened = false;
  lastProbe = GjProbe();
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

bool readPlan(const int32_t *v, GjPlan &p) {
  p = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]};
  return p.width > 0 && p.height > 0 && p.resizeWidth > 0 && p.resizeHeight > 0 && p.left >= 0 && p.top >= 0 &&
         p.thumbWidth >= 0 && p.thumbHeight >= 0 && (p.verticalFirst == 0 || p.verticalFirst == 1);
}

struct Job {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  std::vector<napi_ref> refs;
  std::vector<GjItem> items;
  int modelSize = 0, filter = 0;
  std::string failure;
};

void Execute(napi_env, void *data) {
  Job *job = static_cast<Job *>(data);
  job->failure = decoder.decode(job->items, job->modelSize, job->filter);
}

void Complete(napi_env env, napi_status, void *data) {
  Job *job = static_cast<Job *>(data);
  for (napi_ref ref : job->refs) napi_delete_reference(env, ref);
  if (!job->failure.empty()) {
    napi_value error;
    napi_create_error(env, nullptr, str(env, job->failure), &error);
    napi_reject_deferred(env, job->deferred, error);
  } else {
    napi_value results;
    napi_create_array_with_length(env, job->items.size(), &results);
    for (size_t i = 0; i < job->items.size(); i++) {
      const GjItem &item = job->items[i];
      napi_value o;
      napi_create_object(env, &o);
      set(env, o, "ok", boolean(env, item.ok));
      if (item.ok) {
        set(env, o, "backend", str(env, item.backend));
        set(env, o, "model", bufferCopy(env, item.model));
        set(env, o, "thumbnail", bufferCopy(env, item.thumb));
      } else {
        set(env, o, "error", str(env, item.error));
      }
      napi_set_element(env, results, i, o);
    }
    napi_resolve_deferred(env, job->deferred, results);
  }
  napi_delete_async_work(env, job->work);
  delete job;
}

/* decode(buffers, plans: Int32Array of GJ_PLAN_INTS per buffer, modelSize, filter) → Promise of per-image results. */
napi_value Decode(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  uint32_t n = 0;
  bool isArray = false;
  napi_is_array(env, argv[0], &isArray);
  if (argc < 4 || !isArray) {
    napi_throw_type_error(env, nullptr, "decode(buffers, plans, modelSize, filter): buffers must be an array");
    return nullptr;
  }
  CHECK(napi_get_array_length(env, argv[0], &n));
  napi_typedarray_type type;
  size_t planLength = 0;
  void *planData = nullptr;
  if (napi_get_typedarray_info(env, argv[1], &type, &planLength, &planData, nullptr, nullptr) != napi_ok ||
      type != napi_int32_array || planLength != (size_t)n * GJ_PLAN_INTS) {
    napi_throw_type_error(env, nullptr, "decode: plans must be an Int32Array of 9 numbers per buffer");
    return nullptr;
  }
  Job *job = new Job();
  job->modelSize = intArg(env, argv[2], 0);
  job->filter = intArg(env, argv[3], GJ_BICUBIC);
  if (job->modelSize <= 0) {
    delete job;
    napi_throw_range_error(env, nullptr, "decode: modelSize must be positive");
    return nullptr;
  }
  job->items.resize(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value buffer;
    napi_get_element(env, argv[0], i, &buffer);
    void *data = nullptr;
    size_t length = 0;
    bool isBuffer = false;
    napi_is_buffer(env, buffer, &isBuffer);
    if (!isBuffer || napi_get_buffer_info(env, buffer, &data, &length) != napi_ok ||
        !readPlan(static_cast<int32_t *>(planData) + GJ_PLAN_INTS * i, job->items[i].plan)) {
      for (napi_ref ref : job->refs) napi_delete_reference(env, ref);
      delete job;
      napi_throw_type_error(env, nullptr, ("decode: item " + std::to_string(i) + " is not a Buffer with a valid plan").c_str());
      return nullptr;
    }
    napi_ref ref;
    napi_create_reference(env, buffer, 1, &ref);  // keeps the bytes alive while the worker reads them
    job->refs.push_back(ref);
    job->items[i].data = static_cast<const unsigned char *>(data);
    job->items[i].length = length;
  }
  napi_value promise, name;
  CHECK(napi_create_promise(env, &job->deferred, &promise));
  name = str(env, "glimpse-gpu-jpeg-decode");
  CHECK(napi_create_async_work(env, nullptr, name, Execute, Complete, job, &job->work));
  CHECK(napi_queue_async_work(env, job->work));
  return promise;
}

/* resampleHost(rgb, plan: Int32Array(GJ_PLAN_INTS), modelSize, filter) → {model, thumbnail}: the kernel's maths on
 * the CPU over packed RGB that another decoder produced. */
napi_value ResampleHost(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  void *rgb = nullptr;
  size_t length = 0;
  napi_typedarray_type type;
  size_t planLength = 0;
  void *planData = nullptr;
  GjPlan p;
  if (argc < 4 || napi_get_buffer_info(env, argv[0], &rgb, &length) != napi_ok ||
      napi_get_typedarray_info(env, argv[1], &type, &planLength, &planData, nullptr, nullptr) != napi_ok ||
      type != napi_int32_array || planLength != GJ_PLAN_INTS || !readPlan(static_cast<int32_t *>(planData), p) ||
      length != (size_t)p.width * p.height * 3) {
    napi_throw_type_error(env, nullptr, "resampleHost(rgb, plan, modelSize, filter): rgb must hold width*height*3 bytes");
    return nullptr;
  }
  const int size = intArg(env, argv[2], 0);
  const int filter = intArg(env, argv[3], GJ_BICUBIC);
  const size_t a = (size_t)size * p.height, b = (size_t)p.width * size;
  std::vector<unsigned char> tmp(3 * (a > b ? a : b)), model((size_t)size * size * 3);
  std::vector<unsigned char> thumbTmp((size_t)p.thumbWidth * 3 * p.height), thumb((size_t)p.thumbWidth * p.thumbHeight * 3);
  auto addr = [](const void *ptr) { return (unsigned long long)(size_t)ptr; };
  GjPass passes[2];
  gj_crop_passes(p.width, p.height, p.resizeWidth, p.resizeHeight, p.left, p.top, size, p.verticalFirst, filter,
                 addr(rgb), addr(tmp.data()), addr(model.data()), passes);
  gj_run_pass_host(&passes[0]);
  gj_run_pass_host(&passes[1]);
  if (p.thumbWidth > 0) {
    GjPass th = {addr(rgb), addr(thumbTmp.data()), p.width * 3, p.thumbWidth * 3, p.width, p.thumbWidth, 0,
                 p.thumbWidth, p.height, 0, filter};
    GjPass tv = {addr(thumbTmp.data()), addr(thumb.data()), p.thumbWidth * 3, p.thumbWidth * 3, p.height,
                 p.thumbHeight, 0, p.thumbHeight, p.thumbWidth, 1, filter};
    gj_run_pass_host(&th);
    gj_run_pass_host(&tv);
  }
  napi_value o;
  napi_create_object(env, &o);
  set(env, o, "model", bufferCopy(env, model));
  set(env, o, "thumbnail", bufferCopy(env, thumb));
  return o;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", nullptr, Open, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, Close, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"decode", nullptr, Decode, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"resampleHost", nullptr, ResampleHost, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
