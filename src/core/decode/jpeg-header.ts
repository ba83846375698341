// Reads a JPEG's frame header (SOF, components, sampling, APP14/Adobe, ICC) without decoding, so the
// GPU decoder can send each file it cannot take to the CPU decoder before a batch starts.

/** One colour component of the frame: its id and sampling factors. */
interface JpegComponent {
  id: number;
  h: number;
  v: number;
}

export interface JpegHeader {
  width: number;
  height: number;
  /** Bits per sample: 8 for nearly every photo; 12 in some medical and scientific files. */
  precision: number;
  /** baseline (SOF0), extended (SOF1), progressive (SOF2/SOF10) or lossless (SOF3/SOF11). */
  process: 'baseline' | 'extended' | 'progressive' | 'lossless';
  /** SOF5–7 and SOF13–15: hierarchical (differential) frames. */
  hierarchical: boolean;
  /** SOF9–11 and SOF13–15: arithmetic instead of Huffman entropy coding. */
  arithmetic: boolean;
  components: JpegComponent[];
  /** APP14 Adobe transform flag (0: none/CMYK, 1: YCbCr, 2: YCCK); null without an Adobe segment. */
  adobeTransform: number | null;
  /** An embedded ICC profile (APP2 ICC_PROFILE), and whether its bytes name sRGB. */
  icc: { present: boolean; srgb: boolean };
  /** An EOI marker within the file's last bytes: a file without one was cut short. */
  hasEnd: boolean;
}

type JpegHeaderResult = { ok: true; header: JpegHeader } | { ok: false; reason: string };

const SOF_PROCESS: Record<number, JpegHeader['process']> = {
  0xc0: 'baseline',
  0xc1: 'extended',
  0xc2: 'progressive',
  0xc3: 'lossless',
  0xc5: 'extended',
  0xc6: 'progressive',
  0xc7: 'lossless',
  0xc9: 'extended',
  0xca: 'progressive',
  0xcb: 'lossless',
  0xcd: 'extended',
  0xce: 'progressive',
  0xcf: 'lossless',
};

/** Parses markers from SOI up to the first scan; the entropy-coded data itself is not read. */
export function parseJpegHeader(bytes: Uint8Array): JpegHeaderResult {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    return { ok: false, reason: 'not a JPEG (no SOI marker)' };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let frame: Omit<JpegHeader, 'adobeTransform' | 'icc' | 'hasEnd'> | null = null;
  let adobeTransform: number | null = null;
  const iccBytes: Uint8Array[] = [];
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return { ok: false, reason: `corrupt: no marker at byte ${pos}` };
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) break;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2; // markers without a length
      continue;
    }
    const length = view.getUint16(pos + 2);
    const start = pos + 4;
    const end = pos + 2 + length;
    if (length < 2 || end > bytes.length)
      return { ok: false, reason: 'truncated: a segment runs past the end' };
    const segment = bytes.subarray(start, end);
    if (SOF_PROCESS[marker]) {
      if (segment.length < 6) return { ok: false, reason: 'corrupt: short frame header' };
      const count = segment[5]!;
      if (segment.length < 6 + 3 * count) return { ok: false, reason: 'corrupt: short frame header' };
      const components: JpegComponent[] = [];
      for (let i = 0; i < count; i++) {
        const factors = segment[7 + 3 * i]!;
        components.push({ id: segment[6 + 3 * i]!, h: factors >> 4, v: factors & 15 });
      }
      frame = {
        precision: segment[0]!,
        height: (segment[1]! << 8) | segment[2]!,
        width: (segment[3]! << 8) | segment[4]!,
        process: SOF_PROCESS[marker],
        hierarchical: [5, 6, 7, 13, 14, 15].includes(marker & 15),
        arithmetic: marker >= 0xc9,
        components,
      };
    } else if (marker === 0xee && latin1(segment, 0, 5) === 'Adobe' && segment.length >= 12) {
      adobeTransform = segment[11]!;
    } else if (marker === 0xe2 && latin1(segment, 0, 12) === 'ICC_PROFILE\0') {
      iccBytes.push(segment.subarray(14));
    } else if (marker === 0xda) {
      break; // first scan: every header that matters comes before it
    }
    pos = end;
  }
  if (!frame) return { ok: false, reason: 'corrupt: no frame header (SOF) before the image data' };
  const icc = Buffer.concat(iccBytes);
  const tail = bytes.subarray(Math.max(0, bytes.length - 64));
  return {
    ok: true,
    header: {
      ...frame,
      adobeTransform,
      icc: { present: icc.length > 0, srgb: icc.length > 0 && iccNamesSrgb(icc) },
      hasEnd:
        Buffer.from(tail.buffer, tail.byteOffset, tail.length).indexOf(Buffer.from([0xff, 0xd9])) !== -1,
    },
  };
}

function latin1(bytes: Uint8Array, from: number, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, Math.min(length, bytes.length - from)).toString(
    'latin1',
  );
}

/** sRGB profiles carry "sRGB" in their description tag (ASCII in v2 'desc', UTF-16 in v4 'mluc'). */
function iccNamesSrgb(icc: Buffer): boolean {
  return (
    icc.includes('sRGB', 0, 'latin1') ||
    icc.includes('sRGB', 0, 'utf16le') ||
    icc.includes(Buffer.from('\0s\0R\0G\0B'))
  );
}
