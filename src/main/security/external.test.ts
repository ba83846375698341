import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from './external';

describe('links opened in the system browser', () => {
  it('opens https links to the allowed hosts', () => {
    expect(isAllowedExternalUrl('https://huggingface.co/laion/CLIP-ViT-H-14-laion2B-s32B-b79K')).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/')).toBe(true);
  });

  it('opens nothing else', () => {
    for (const url of [
      'http://huggingface.co/',
      'https://huggingface.co.evil.example/',
      'https://evil.example/?huggingface.co',
      'https://user@huggingface.co/',
      'https://huggingface.co:8443/',
      'file:///etc/passwd',
      'smb://server/share',
      'javascript:alert(1)',
      'glimpse-app://app/index.html',
      'not a url',
      '',
      42,
      null,
      `https://github.com/${'a'.repeat(5000)}`,
    ])
      expect(isAllowedExternalUrl(url), String(url)).toBe(false);
  });
});
