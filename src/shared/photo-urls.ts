// URLs of thumbnails and full images as the app serves them: a scheme and a catalog id, nothing else,
// so no path ever travels from the renderer to the file system.

export const THUMB_SCHEME = 'glimpse-thumb';
export const IMAGE_SCHEME = 'glimpse-image';

/** The photo id of glimpse-thumb://photo/<id> or glimpse-image://photo/<id>; null for anything else. */
export function photoIdOf(url: string): number | null {
  const m = /^glimpse-(?:thumb|image):\/\/photo\/(\d{1,15})\/?$/.exec(url);
  if (!m) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}
