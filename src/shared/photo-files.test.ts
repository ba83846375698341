import { describe, expect, it } from 'vitest';
import { BROWSER_IMAGE_TYPES, hasPhotoExtension, PHOTO_EXTENSIONS } from './photo-files';

describe('photo files', () => {
  it('are told by their extension, in any case', () => {
    expect(hasPhotoExtension('IMG_0001.JPG')).toBe(true);
    expect(hasPhotoExtension('scan.tiff')).toBe(true);
    expect(hasPhotoExtension('phone.HEIC')).toBe(true);
    expect(hasPhotoExtension('notes.txt')).toBe(false);
    expect(hasPhotoExtension('jpg')).toBe(false);
    expect(hasPhotoExtension('archive.jpg.zip')).toBe(false);
  });

  it('shown natively by the browser are photos Glimpse indexes', () => {
    for (const ext of Object.keys(BROWSER_IMAGE_TYPES)) expect(PHOTO_EXTENSIONS).toContain(ext);
    expect(BROWSER_IMAGE_TYPES['.tif']).toBeUndefined();
  });
});
