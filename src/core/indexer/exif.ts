// Capture date and camera from EXIF (via exifr), read from the bytes already in memory.
import exifr from 'exifr';

export interface PhotoExif {
  /** ms since epoch of DateTimeOriginal (or CreateDate), the camera's wall-clock time read as UTC so
   *  a photo's date never shifts with the viewer's time zone. */
  takenAt: number | null;
  /** "Make Model", with the make not repeated when the model already starts with it. */
  camera: string | null;
}

const NONE: PhotoExif = { takenAt: null, camera: null };

function cameraName(make: unknown, model: unknown): string | null {
  const mk = typeof make === 'string' ? make.trim() : '';
  const md = typeof model === 'string' ? model.trim() : '';
  if (!mk && !md) return null;
  if (!mk) return md;
  if (!md) return mk;
  return md.toLowerCase().startsWith(mk.split(' ')[0]!.toLowerCase()) ? md : `${mk} ${md}`;
}

/** Parses EXIF "YYYY:MM:DD HH:MM:SS" as a wall-clock time; null when absent or not a real date. */
function wallClock(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = value.trim().match(/^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  if (!y || y < 1826 || !mo || mo > 12 || !d || d > 31) return null; // 0000:00:00 and other placeholders
  const t = Date.UTC(y, mo - 1, d, h!, mi!, s!);
  return Number.isFinite(t) ? t : null;
}

/** EXIF is optional: an unreadable or absent block gives nulls, never an error. */
export async function readExif(bytes: Uint8Array): Promise<PhotoExif> {
  try {
    const tags = (await exifr.parse(bytes, {
      pick: ['DateTimeOriginal', 'CreateDate', 'Make', 'Model'],
      // Raw strings: exifr's Date revival would read the wall-clock time in this machine's zone.
      reviveValues: false,
      tiff: true,
      exif: true,
      gps: false,
      interop: false,
      ifd1: false,
      xmp: false,
      icc: false,
      iptc: false,
    })) as Record<string, unknown> | undefined;
    if (!tags) return NONE;
    return {
      takenAt: wallClock(tags.DateTimeOriginal) ?? wallClock(tags.CreateDate),
      camera: cameraName(tags.Make, tags.Model),
    };
  } catch {
    return NONE;
  }
}

/** EXIF orientation (1–8) as viewers and sharp's autoOrient read it; undefined when absent or unreadable. */
export async function readOrientation(bytes: Uint8Array): Promise<number | undefined> {
  try {
    return await exifr.orientation(bytes);
  } catch {
    return undefined;
  }
}
