# The PyTorch baseline Glimpse's ONNX Runtime numbers are compared with: the same CLIP image tower (and text tower
# latency) in float16 with SDPA attention on the same card, printed as one JSON object.
#
# Usage (repository root):  python3 tools/gpu/pytorch_bench.py [--config vit-h-14] [--batches 32,64,128,256]
#                             [--compile] [--device cuda|cpu]
# Dry run on a CPU:         /usr/bin/python3 tools/gpu/pytorch_bench.py --device cpu --config tiny
from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from tools.export.configs import get_config, vision_flops  # noqa: E402
from tools.export.model import ClipModel, sdpa_available  # noqa: E402
from tools.export.weights import init_random  # noqa: E402

# Enough repetitions for a stable mean on an H100 (a batch of 256 ViT-H images takes ~0.2-0.3 s) while keeping
# the whole run, four batch sizes and the text tower, well under 90 s.
DEFAULT_WARMUP = 3
DEFAULT_ITERS = 10
TEXT_WARMUP = 5
TEXT_ITERS = 50
MIB = 1024 * 1024


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description='PyTorch FP16 baseline for the CLIP image tower.')
    p.add_argument('--config', default='vit-h-14')
    p.add_argument('--device', default='cuda', choices=('cuda', 'cpu'))
    p.add_argument('--dtype', choices=('float16', 'float32'), help='default: float16 on cuda, float32 on cpu')
    p.add_argument('--batches', default='32,64,128,256')
    p.add_argument('--warmup', type=int, default=DEFAULT_WARMUP)
    p.add_argument('--iters', type=int, default=DEFAULT_ITERS)
    p.add_argument('--compile', action='store_true', help='also time torch.compile at the best eager batch')
    p.add_argument('--compile-budget', type=float, default=60.0, help='seconds; a slower compile is reported')
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args(argv)
    try:
        args.batch_list = [int(b) for b in args.batches.split(',') if b]
    except ValueError:
        p.error(f'--batches: "{args.batches}" is not a comma-separated list of integers')
    if not args.batch_list or min(args.batch_list) < 1:
        p.error('--batches needs at least one positive batch size')
    args.dtype = args.dtype or ('float16' if args.device == 'cuda' else 'float32')
    return args


class Timer:
    """Wall time of queued work: CUDA events on the GPU (no host-side launch noise), perf_counter on the CPU."""

    def __init__(self, device: torch.device):
        self.cuda = device.type == 'cuda'

    def measure(self, fn, repeats: int) -> list[float]:
        """Milliseconds of each of `repeats` calls, synchronised before and after."""
        out = []
        for _ in range(repeats):
            if self.cuda:
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                torch.cuda.synchronize()
                start.record()
                fn()
                end.record()
                torch.cuda.synchronize()
                out.append(start.elapsed_time(end))
            else:
                t0 = time.perf_counter()
                fn()
                out.append((time.perf_counter() - t0) * 1000)
        return out


def peak_mib(device: torch.device) -> float | None:
    return round(torch.cuda.max_memory_allocated(device) / MIB, 1) if device.type == 'cuda' else None


def reset_peak(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.reset_peak_memory_stats(device)


def time_vision(model, batch: int, cfg, dtype, device, timer: Timer, warmup: int, iters: int) -> dict:
    size = cfg.vision.image_size
    x = torch.randn(batch, 3, size, size, device=device, dtype=dtype)
    reset_peak(device)
    timer.measure(lambda: model(x), warmup)
    ms = statistics.mean(timer.measure(lambda: model(x), iters))
    return {
        'imagesPerSecond': round(batch * 1000 / ms, 1),
        'msPerBatch': round(ms, 3),
        'tflops': round(vision_flops(cfg) * batch / (ms / 1000) / 1e12, 3),
        'peakMemoryMiB': peak_mib(device),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = parse_args(argv)
    if args.device == 'cuda' and not torch.cuda.is_available():
        print(json.dumps({'error': 'CUDA is not available to torch; use --device cpu for a dry run'}))
        return 1
    device = torch.device(args.device)
    dtype = getattr(torch, args.dtype)
    cfg = get_config(args.config)
    attention = 'sdpa' if sdpa_available() else 'math'
    if args.device == 'cuda':
        torch.backends.cudnn.benchmark = True  # the patch-embedding convolution

    # Built and initialised on the target device (torch >= 2.0 takes a device as a context manager): ViT-H's
    # ~1 B random values draw in a blink on a GPU. The weights' values do not matter for timing, their scale
    # keeps float16 activations finite.
    on_device = device if hasattr(torch.device, '__enter__') else contextlib.nullcontext()
    with on_device:
        model = ClipModel(cfg, impl=attention).to(device)
    init_random(model, args.seed)
    model = model.to(dtype).eval()
    build_s = time.perf_counter() - started
    timer = Timer(device)

    result: dict = {
        'device': torch.cuda.get_device_name(device)
        if args.device == 'cuda'
        else f'cpu ({torch.get_num_threads()} threads)',
        'torch': torch.__version__,
        'config': cfg.key,
        'dtype': args.dtype,
        'attention': attention,
        'gflopPerImage': round(vision_flops(cfg) / 1e9, 3),
        'warmup': args.warmup,
        'iters': args.iters,
        'vision': {},
    }
    with torch.inference_mode():
        result['sdpaVsMathCosine'] = None
        if attention == 'sdpa':
            # The timed attention must compute what the exported (math) graph computes.
            check = torch.randn(2, 3, cfg.vision.image_size, cfg.vision.image_size, device=device, dtype=dtype)
            fast = model.visual(check).float()
            model.set_attention('math')
            slow = model.visual(check).float()
            model.set_attention(attention)
            result['sdpaVsMathCosine'] = round(torch.nn.functional.cosine_similarity(fast, slow).min().item(), 6)

        for batch in args.batch_list:
            result['vision'][str(batch)] = time_vision(
                model.visual, batch, cfg, dtype, device, timer, args.warmup, args.iters
            )
        best = max(result['vision'], key=lambda b: result['vision'][b]['imagesPerSecond'])
        result['best'] = {'batch': int(best), **result['vision'][best]}

        ids = torch.zeros(1, cfg.text.context_length, dtype=torch.long, device=device)
        ids[0, :5] = torch.tensor([49406, 320, 1125, 539, 49407])  # "<sot> a photo of <eot>"-shaped
        timer.measure(lambda: model.textual(ids), TEXT_WARMUP)
        text_ms = timer.measure(lambda: model.textual(ids), TEXT_ITERS)
        result['text'] = {
            'batch': 1,
            'p50Ms': round(percentile(text_ms, 0.5), 3),
            'p95Ms': round(percentile(text_ms, 0.95), 3),
            'iterations': TEXT_ITERS,
        }

        result['compiled'] = None
        if args.compile:
            result['compiled'] = time_compiled(model.visual, result['best']['batch'], cfg, dtype, device, timer, args)

    result['seconds'] = {'build': round(build_s, 1), 'total': round(time.perf_counter() - started, 1)}
    print(json.dumps(result))
    return 0


def time_compiled(visual, batch: int, cfg, dtype, device, timer: Timer, args) -> dict:
    """torch.compile (inductor, default mode, static shapes) at one batch size; the first call's duration is
    the compile time, reported so a slow compile is visible rather than silently skipped."""
    if not hasattr(torch, 'compile'):
        return {'error': f'torch {torch.__version__} has no torch.compile'}
    compiled = torch.compile(visual, dynamic=False)
    x = torch.randn(batch, 3, cfg.vision.image_size, cfg.vision.image_size, device=device, dtype=dtype)
    t0 = time.perf_counter()
    try:
        compiled(x)
        if device.type == 'cuda':
            torch.cuda.synchronize()
    except Exception as e:  # noqa: BLE001 -- a failed compile is a result to report, not a crash
        return {'batch': batch, 'error': f'{type(e).__name__}: {e}'[:500]}
    compile_s = time.perf_counter() - t0
    out = {'batch': batch, 'compileSeconds': round(compile_s, 1), 'withinBudget': compile_s <= args.compile_budget}
    out.update(time_vision(compiled, batch, cfg, dtype, device, timer, args.warmup, args.iters))
    return out


if __name__ == '__main__':
    sys.exit(main())
