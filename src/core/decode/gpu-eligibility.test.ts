import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type JpegOptions } from 'sharp';
import { describe, expect, it } from 'vitest';
import { gpuEligibility } from './gpu-eligibility';
import { parseJpegHeader } from './jpeg-header';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/images');

/** A 64×48 photo-like gradient, so the encoder has real chroma to subsample. */
function gradient() {
  const width = 64;
  const height = 48;
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    rgb[3 * i] = (i % width) * 4;
    rgb[3 * i + 1] = Math.floor(i / width) * 5;
    rgb[3 * i + 2] = 128;
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } });
}

const jpeg = (opts: JpegOptions = {}) => gradient().jpeg(opts).toBuffer();

/** The offset of the first frame-header marker byte (the C0 of FF C0). */
function sofOffset(bytes: Buffer): number {
  for (let i = 2; i < bytes.length - 1; i++)
    if (bytes[i] === 0xff && bytes[i + 1]! >= 0xc0 && bytes[i + 1]! <= 0xc2) return i + 1;
  throw new Error('no SOF');
}

describe('parseJpegHeader', () => {
  it('reads size, components and 4:2:0 sampling of a baseline JPEG', async () => {
    const result = parseJpegHeader(await jpeg({ chromaSubsampling: '4:2:0' }));
    expect(result).toMatchObject({
      ok: true,
      header: {
        width: 64,
        height: 48,
        precision: 8,
        process: 'baseline',
        arithmetic: false,
        components: [
          { id: 1, h: 2, v: 2 },
          { id: 2, h: 1, v: 1 },
          { id: 3, h: 1, v: 1 },
        ],
        hasEnd: true,
      },
    });
  });

  it('sees 4:4:4 sampling, progressive frames and a greyscale single component', async () => {
    const full = parseJpegHeader(await jpeg({ chromaSubsampling: '4:4:4' }));
    expect(full.ok && full.header.components.map((c) => `${c.h}x${c.v}`)).toEqual(['1x1', '1x1', '1x1']);
    const progressive = parseJpegHeader(await jpeg({ progressive: true }));
    expect(progressive.ok && progressive.header.process).toBe('progressive');
    const grey = parseJpegHeader(await gradient().toColourspace('b-w').jpeg().toBuffer());
    expect(grey.ok && grey.header.components).toHaveLength(1);
  });

  it('finds the Adobe transform flag and four components of a CMYK file', () => {
    const result = parseJpegHeader(readFileSync(join(FIXTURES, 'cmyk.jpg')));
    expect(result.ok && result.header.components).toHaveLength(4);
    expect(result.ok && result.header.adobeTransform).not.toBeNull();
  });

  it('tells an sRGB ICC profile from Display P3', async () => {
    const srgb = parseJpegHeader(await gradient().withIccProfile('srgb').jpeg().toBuffer());
    const p3 = parseJpegHeader(await gradient().withIccProfile('p3').jpeg().toBuffer());
    expect(srgb.ok && srgb.header.icc).toEqual({ present: true, srgb: true });
    expect(p3.ok && p3.header.icc).toEqual({ present: true, srgb: false });
  });

  it('rejects bytes that are not a JPEG and a header cut inside a segment', async () => {
    expect(parseJpegHeader(await gradient().png().toBuffer())).toEqual({
      ok: false,
      reason: 'not a JPEG (no SOI marker)',
    });
    const bytes = await jpeg();
    expect(parseJpegHeader(bytes.subarray(0, sofOffset(bytes) + 4))).toMatchObject({
      ok: false,
      reason: /^truncated/,
    });
  });
});

describe('gpuEligibility', () => {
  it('sends baseline 4:2:0, 4:4:4 and greyscale JPEGs to the GPU', async () => {
    for (const bytes of [
      await jpeg({ chromaSubsampling: '4:2:0' }),
      await jpeg({ chromaSubsampling: '4:4:4' }),
      await gradient().toColourspace('b-w').jpeg().toBuffer(),
      await gradient().withIccProfile('srgb').jpeg().toBuffer(),
    ]) {
      expect(gpuEligibility(bytes).gpu).toBe(true);
    }
  });

  it('sends progressive, CMYK, P3, truncated, PNG, WebP and HEIC-like files to the CPU, naming why', async () => {
    const reason = (bytes: Uint8Array) => {
      const e = gpuEligibility(bytes);
      return e.gpu ? 'gpu' : e.reason;
    };
    expect(reason(await jpeg({ progressive: true }))).toBe('progressive');
    expect(reason(readFileSync(join(FIXTURES, 'cmyk.jpg')))).toBe('cmyk');
    expect(reason(await gradient().withIccProfile('p3').jpeg().toBuffer())).toBe('colour-profile');
    const whole = await jpeg();
    expect(reason(whole.subarray(0, whole.length - 100))).toBe('truncated');
    expect(reason(readFileSync(join(FIXTURES, 'truncated.jpg')))).toBe('truncated');
    expect(reason(await gradient().png().toBuffer())).toBe('not-jpeg');
    expect(reason(await gradient().webp().toBuffer())).toBe('not-jpeg');
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(16)]);
    expect(reason(heic)).toBe('not-jpeg');
    expect(reason(readFileSync(join(FIXTURES, 'not-an-image.jpg')))).toBe('not-jpeg');
  });

  it('sends 4:1:1 sampling, arithmetic coding and 12-bit samples to the CPU', async () => {
    const base = await jpeg({ chromaSubsampling: '4:4:4' });
    const sof = sofOffset(base);
    const fourOneOne = Buffer.from(base);
    fourOneOne[sof + 10] = 0x41; // luma sampling byte: 4×1
    expect(gpuEligibility(fourOneOne)).toMatchObject({ gpu: false, reason: 'sampling' });
    const arithmetic = Buffer.from(base);
    arithmetic[sof] = 0xc9;
    expect(gpuEligibility(arithmetic)).toMatchObject({ gpu: false, reason: 'arithmetic' });
    const twelveBit = Buffer.from(base);
    twelveBit[sof] = 0xc1;
    twelveBit[sof + 3] = 12;
    expect(gpuEligibility(twelveBit)).toMatchObject({ gpu: false, reason: 'precision' });
  });

  it('sends images over the pixel limit and extreme strips to the CPU', async () => {
    expect(gpuEligibility(await jpeg(), { maxPixels: 1000, maxSide: 16384 })).toMatchObject({
      reason: 'oversized',
    });
    const strip = await sharp({ create: { width: 660, height: 20, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    expect(gpuEligibility(strip)).toMatchObject({ reason: 'extreme-aspect' });
  });
});
