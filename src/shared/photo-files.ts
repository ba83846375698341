// Which files are photos, for every process: the indexer's walk, the engine's image server and the
// window's drop target all go by this one list.

/** Extensions Glimpse indexes, lower case. HEIC/HEIF are listed although sharp's prebuilt libvips
 *  cannot decode HEVC: such files are recorded with that reason instead of being silently ignored. */
export const PHOTO_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
];

/** Whether a file name ends in one of PHOTO_EXTENSIONS, in any case. */
export function hasPhotoExtension(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && PHOTO_EXTENSIONS.includes(name.slice(dot).toLowerCase());
}

/** The photo formats Chromium shows natively, by extension, with their MIME type; the others (TIFF,
 *  HEIF) are shown by their thumbnail-sized preview instead. */
export const BROWSER_IMAGE_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.jpe': 'image/jpeg',
  '.jfif': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
};
