#!/usr/bin/env python3
"""open_clip's eval image transform, rebuilt from PIL + numpy only, as the yardstick for Glimpse's sharp
preprocessing (src/core/decode/cpu-decode.ts + preprocess.ts).

open_clip (resize_mode 'shortest', the ViT-H/14 default) composes torchvision's
Resize(size, BICUBIC) -> CenterCrop(size) -> convert('RGB') -> ToTensor() -> Normalize(mean, std).
On PIL images that is:
  * Resize: the short side becomes `size`, the long side int(size * long / short) (torchvision's
    _compute_resized_output_size), resampled by PIL's Image.resize with BICUBIC (Keys a = -0.5,
    kernel widened by the scale factor, i.e. antialiased; no reducing_gap);
  * CenterCrop: offsets int(round((side - size) / 2.0)) with Python's round (halves to even);
  * ToTensor: float32(x) / 255, channels first; Normalize: (x - mean) / std in float32.
'squash' resizes both sides to `size` (open_clip's resize_mode 'squash').

Deliberate differences from calling open_clip on Image.open(path), both shared with Glimpse:
EXIF orientation is applied first (ImageOps.exif_transpose) unless --no-exif, and modes PIL cannot
resize bicubically (P, 1, CMYK, I;16...) are converted to RGB before resizing.

Writes float32 little-endian NCHW, one item per input image in argument order; --rgb-out also writes
the uint8 HWC crops before normalisation, for debugging.

Run with a Python that has PIL and numpy (on Debian: /usr/bin/python3):
  openclip_preprocess_ref.py --out ref.bin [--size 224] [--resize shortest-crop|squash] IMAGE...
"""

import argparse
import sys

import numpy as np
from PIL import Image, ImageOps

# OpenCLIP ViT-H/14 laion2b_s32b_b79k (OpenAI's CLIP statistics).
DEFAULT_MEAN = (0.48145466, 0.4578275, 0.40821073)
DEFAULT_STD = (0.26862954, 0.26130258, 0.27577711)

RESAMPLE = {
    "bicubic": Image.BICUBIC,
    "bilinear": Image.BILINEAR,
    "nearest": Image.NEAREST,
    "lanczos3": Image.LANCZOS,
}

# Modes PIL resizes natively with any filter; the rest go through RGB first.
RESIZABLE_MODES = {"RGB", "RGBA", "L", "LA", "F", "I"}


def resized_size(width, height, size):
    """torchvision's Resize(int) output (width, height) for a PIL image."""
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = size, int(size * long / short)
    return (new_short, new_long) if width <= height else (new_long, new_short)


def center_crop_box(width, height, size):
    """torchvision's CenterCrop box (left, top, right, bottom) for an image at least size x size."""
    top = int(round((height - size) / 2.0))
    left = int(round((width - size) / 2.0))
    return (left, top, left + size, top + size)


def preprocess(path, size, mean, std, resize_mode, resample, exif):
    """One image -> (float32 CHW normalised tensor, uint8 HWC RGB crop)."""
    image = Image.open(path)
    image.seek(0)  # first frame of an animation
    if exif:
        image = ImageOps.exif_transpose(image)
    if image.mode not in RESIZABLE_MODES:
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    if resize_mode == "squash":
        image = image.resize((size, size), resample)
    else:
        target = resized_size(image.width, image.height, size)
        if target != image.size:
            image = image.resize(target, resample)
        image = image.crop(center_crop_box(image.width, image.height, size))
    rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
    x = rgb.astype(np.float32) / np.float32(255)
    x = (x - np.asarray(mean, dtype=np.float32)) / np.asarray(std, dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1), dtype="<f4"), rgb


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("images", nargs="+")
    parser.add_argument("--out", required=True, help="float32 NCHW output file")
    parser.add_argument("--rgb-out", help="optional uint8 NHWC crops before normalisation")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--mean", type=float, nargs=3, default=DEFAULT_MEAN)
    parser.add_argument("--std", type=float, nargs=3, default=DEFAULT_STD)
    parser.add_argument("--resize", choices=["shortest-crop", "squash"], default="shortest-crop")
    parser.add_argument("--interpolation", choices=sorted(RESAMPLE), default="bicubic")
    parser.add_argument("--no-exif", action="store_true", help="ignore EXIF orientation, as open_clip does")
    args = parser.parse_args(argv)

    with open(args.out, "wb") as out, open(args.rgb_out or "/dev/null", "wb") as rgb_out:
        for path in args.images:
            tensor, rgb = preprocess(
                path, args.size, args.mean, args.std, args.resize, RESAMPLE[args.interpolation], not args.no_exif
            )
            out.write(tensor.tobytes())
            rgb_out.write(rgb.tobytes())


if __name__ == "__main__":
    main(sys.argv[1:])
