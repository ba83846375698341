# `python3 -m tools.export`: builds a CLIP model, exports both towers to a Glimpse bundle and verifies them.
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
import torch

from . import bundle, fusion
from .configs import CONFIGS, ClipConfig, TowerConfig, get_config, text_flops, vision_flops
from .fp16 import convert_to_float16
from .model import ClipModel
from .onnx_io import EXPORTERS, export_tower, files_size, save_model
from .verify import (
    MIN_COSINE,
    cosines,
    make_inputs,
    max_cross_cosine,
    run_onnxruntime,
    torch_reference,
    write_verify_dir,
)
from .weights import init_random, load_hf, load_open_clip, parameter_count

CHECK_COMMAND = 'node tools/export/check_bundle.mjs {out} [--provider cuda]'


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog='python3 -m tools.export', description='Export OpenCLIP to a Glimpse bundle.')
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument('--hf', metavar='DIR_OR_ID', help='transformers CLIPModel folder or cached repo id (offline)')
    src.add_argument('--open-clip', metavar='CHECKPOINT', help='open_clip state dict (.bin/.pt/.safetensors)')
    src.add_argument('--random-weights', action='store_true', help='seeded random weights (benchmarks)')
    p.add_argument('--config', default='vit-h-14', choices=sorted(CONFIGS), help='architecture (not with --hf)')
    p.add_argument('--seed', type=int, default=0, help='random weights and verification inputs')
    p.add_argument('--dtype', default='float16', choices=('float16', 'float32'))
    p.add_argument('--out', required=True, help='bundle folder to write')
    p.add_argument('--tokenizer', help='tokenizer.json to copy into the bundle')
    p.add_argument('--id', help='bundle id (default: from the weights and dtype)')
    p.add_argument('--name', help='bundle display name')
    p.add_argument('--no-fuse', action='store_true', help='skip onnxruntime.transformers fusion')
    p.add_argument('--fp32-ops', default='', help='op types ORT\'s float16 converter keeps in float32 (A,B)')
    p.add_argument('--fp16-converter', default='auto', choices=('auto', 'ort', 'builtin'))
    p.add_argument('--exporter', default='auto', choices=EXPORTERS)
    p.add_argument('--verify-items', type=int, default=3, help='random images/captions checked and stored')
    p.add_argument('--no-verify', action='store_true', help='skip running the graphs with onnxruntime (python)')
    p.add_argument('--check-fused32', action='store_true', help='also check the fused float32 graph (float16 only)')
    p.add_argument('--keep-work', action='store_true', help='keep the intermediate graphs in OUT/.work')
    args = p.parse_args(argv)
    if args.hf and args.config != 'vit-h-14':
        p.error('--config is read from the HF folder with --hf')
    if args.verify_items < 1:
        p.error('--verify-items must be at least 1')
    return args


class Clock:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.marks: dict[str, float] = {}
        self._last = self.start

    def log(self, message: str) -> None:
        print(f'[{time.perf_counter() - self.start:7.1f} s] {message}', flush=True)

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        self.marks[name] = round(now - self._last, 2)
        self._last = now
        return self.marks[name]


@dataclass
class TowerJob:
    name: str
    module: torch.nn.Module
    example: torch.Tensor
    tower: TowerConfig
    input_name: str
    output_name: str
    dynamic_sequence: bool
    inputs: np.ndarray
    expected: np.ndarray
    float16_input: bool
    result: dict = field(default_factory=dict)


def build_model(args: argparse.Namespace) -> tuple[ClipConfig, ClipModel, str, str]:
    if args.random_weights:
        cfg = get_config(args.config)
        model = ClipModel(cfg)
        init_random(model, args.seed)
        return cfg, model, 'random', f'seed {args.seed}'
    if args.hf:
        cfg, model = load_hf(args.hf)
        return cfg, model, 'hf', args.hf
    cfg = get_config(args.config)
    return cfg, load_open_clip(args.open_clip, cfg), 'open_clip', args.open_clip


def check(label: str, job: TowerJob, path: Path, dtype: str, clock: Clock) -> bool:
    """Runs `path` with onnxruntime (python, CPU). A graph it cannot run is reported, not failed: the GPU check
    with onnxruntime-node is the one that counts for Glimpse."""
    try:
        actual = run_onnxruntime(path, job.input_name, job.inputs, job.float16_input and dtype == 'float16')
    except Exception as e:  # noqa: BLE001 -- e.g. an op without a CPU kernel in this onnxruntime build
        job.result.setdefault('notRun', {})[label] = f'{type(e).__name__}: {e}'[:300]
        clock.log(f'{job.name}: {label} could not run on onnxruntime (python, cpu): {type(e).__name__}: {e}')
        return True
    cos = cosines(actual, job.expected)
    ok = min(cos) >= MIN_COSINE[dtype]
    job.result.setdefault('cosine', {})[label] = [round(c, 7) for c in cos]
    clock.log(
        f'{job.name}: {label} vs torch float32, cosine per item '
        f'{", ".join(f"{c:.6f}" for c in cos)} (need >= {MIN_COSINE[dtype]}) {"ok" if ok else "FAILED"}'
    )
    return ok


def build_tower(job: TowerJob, args: argparse.Namespace, out: Path, work: Path, clock: Clock) -> bool:
    tdir = work / job.name
    raw = tdir / f'{job.name}.onnx'
    exporter = export_tower(
        job.module, job.example, raw, job.input_name, job.output_name, job.dynamic_sequence, args.exporter
    )
    job.result['exporter'] = exporter
    clock.log(f'{job.name}: exported float32 ONNX with the {exporter} exporter ({clock.lap(job.name + ".export")} s)')

    can_run = not args.no_verify and fusion.onnxruntime_version() is not None
    ok = True
    fused = None
    if args.no_fuse:
        clock.log(f'{job.name}: fusion skipped (--no-fuse)')
    elif not fusion.ort_transformers_available():
        clock.log(f'{job.name}: fusion skipped: onnxruntime.transformers is not importable here')
    else:
        try:
            fused = fusion.fuse(raw, job.tower)
        except Exception as e:  # noqa: BLE001 -- an unfused graph is slower, not wrong: carry on without
            job.result['fusionError'] = f'{type(e).__name__}: {e}'[:300]
            clock.log(f'{job.name}: fusion failed ({type(e).__name__}: {e}); continuing unfused')
    if fused:
        job.result['fused'] = fused.stats
        clock.log(f'{job.name}: fused operators {json.dumps(fused.stats)} ({clock.lap(job.name + ".fuse")} s)')
        if fused.stats.get('Attention', 0) < job.tower.layers:
            attention = fused.stats.get('Attention', 0)
            clock.log(f'{job.name}: note: {attention} of {job.tower.layers} attention layers fused')
    proto = fused.proto if fused else onnx.load(str(raw))

    final = out / (bundle.VISUAL_FILE if job.name == 'visual' else bundle.TEXTUAL_FILE)
    if args.dtype == 'float16':
        if args.check_fused32 and fused and can_run:
            # Tells a fusion fault apart from float16 rounding, for ~30 s more on ViT-H's image tower.
            fused32 = tdir / f'{job.name}.fused32.onnx'
            save_model(proto, fused32)
            ok &= check('fused float32', job, fused32, 'float32', clock)
            clock.lap(job.name + '.check32')
        proto = to_float16(job, proto, fused, args, raw, clock)
    paths = save_model(proto, final)
    del proto
    job.result['files'] = {p.name: p.stat().st_size for p in paths}
    names = ', '.join(p.name for p in paths)
    clock.log(f'{job.name}: wrote {names} ({files_size(paths) / 1e9:.2f} GB, {clock.lap(job.name + ".save")} s)')
    if can_run:
        ok &= check(f'{args.dtype} bundle graph', job, final, args.dtype, clock)
        clock.lap(job.name + '.check')
    return ok


def to_float16(job: TowerJob, proto, fused, args, raw: Path, clock: Clock) -> onnx.ModelProto:
    keep = [op for op in args.fp32_ops.split(',') if op]
    use_ort = args.fp16_converter == 'ort' or (args.fp16_converter == 'auto' and fused is not None)
    if use_ort:
        if fused is None:
            raise RuntimeError('--fp16-converter ort needs the onnxruntime.transformers fusion (drop --no-fuse)')
        try:
            proto = fusion.convert_float16_ort(fused, keep)
            job.result['converter'] = 'onnxruntime.transformers.float16'
            seconds = clock.lap(job.name + '.fp16')
            clock.log(f'{job.name}: converted to float16 with onnxruntime\'s converter ({seconds} s)')
            return proto
        except Exception as e:  # noqa: BLE001 -- any converter failure falls back to the built-in one
            if args.fp16_converter == 'ort':
                raise
            clock.log(f'{job.name}: onnxruntime\'s float16 converter failed ({type(e).__name__}: {e}); using ours')
            # The failed conversion may have left the graph half-converted: start again from the export.
            try:
                proto = fusion.fuse(raw, job.tower).proto
            except Exception:  # noqa: BLE001
                proto = onnx.load(str(raw))
    if keep:
        clock.log(f'{job.name}: note: --fp32-ops applies to onnxruntime\'s converter; the built-in one converts all')
    proto = convert_to_float16(proto)
    job.result['converter'] = 'built-in'
    clock.log(f'{job.name}: converted to float16 with the built-in converter ({clock.lap(job.name + ".fp16")} s)')
    return proto


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    clock = Clock()
    out = Path(args.out)
    work = out / '.work'
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)

    cfg, model, kind, source = build_model(args)
    model.eval()
    bundle_id, name = bundle.bundle_identity(cfg, kind, args.hf or args.open_clip or '', args.dtype)
    bundle_id, name = args.id or bundle_id, args.name or name
    clock.log(
        f'model {cfg.title} from {kind} ({source}): {parameter_count(model.visual) / 1e6:.1f} M image + '
        f'{parameter_count(model.textual) / 1e6:.1f} M text parameters, '
        f'{vision_flops(cfg) / 1e9:.1f} GFLOP per image, '
        f'{text_flops(cfg) / 1e9:.1f} GFLOP per text ({clock.lap("model")} s)'
    )
    ort = fusion.onnxruntime_version() or 'not installed'
    clock.log(f'torch {torch.__version__}, onnx {onnx.__version__}, onnxruntime {ort}')

    pixels, ids = make_inputs(cfg, args.verify_items, seed=args.seed + 1)
    image_ref, text_ref = torch_reference(model, pixels, ids)
    clock.log(f'torch float32 reference for {args.verify_items} images and captions ({clock.lap("reference")} s)')
    for label, embeds in (('images', image_ref), ('captions', text_ref)):
        cross = max_cross_cosine(embeds)
        # A check can only tell a broken graph from a good one if different inputs give different outputs.
        note = '' if cross < MIN_COSINE[args.dtype] else ' -- WARNING: too alike for the cosine check to mean much'
        clock.log(f'reference {label}: highest cosine between different items {cross:.4f}{note}')

    jobs = [
        TowerJob('visual', model.visual, torch.from_numpy(pixels[:1]), cfg.vision, bundle.VISUAL_INPUT,
                 bundle.VISUAL_OUTPUT, False, pixels, image_ref, True),
        TowerJob('textual', model.textual, torch.from_numpy(ids[:1]), cfg.text, bundle.TEXTUAL_INPUT,
                 bundle.TEXTUAL_OUTPUT, True, ids, text_ref, False),
    ]
    ok = True
    for job in jobs:
        ok &= build_tower(job, args, out, work, clock)

    reference = f'torch {torch.__version__} float32, math attention, cpu'
    write_verify_dir(out, args.dtype, reference, pixels, ids, image_ref, text_ref)
    bundle.write_model_json(out, bundle.model_json(bundle_id, name, cfg, args.dtype))
    clock.log(bundle.place_tokenizer(out, args.tokenizer, args.hf))
    if not args.keep_work:
        shutil.rmtree(work)
    can_verify = not args.no_verify and fusion.onnxruntime_version() is not None
    if not can_verify:
        why = '--no-verify' if args.no_verify else 'no onnxruntime for python'
        clock.log(f'not verified here ({why}): run {CHECK_COMMAND.format(out=out)}')
    clock.log(f'bundle {bundle_id} in {out}: {"ok" if ok else "VERIFICATION FAILED"}')
    summary = {
        'id': bundle_id,
        'out': str(out),
        'dtype': args.dtype,
        'ok': ok,
        'verifiedWith': None if not can_verify else f'onnxruntime {fusion.onnxruntime_version()} (python, cpu)',
        'towers': {job.name: job.result for job in jobs},
        'seconds': {**clock.marks, 'total': round(time.perf_counter() - clock.start, 2)},
    }
    print(json.dumps(summary))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
