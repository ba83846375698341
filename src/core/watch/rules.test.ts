import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderRules, isPhotoName } from './rules';

const root = '/photos';
const rules = new FolderRules(root, ['private/**', 'drafts/', '**/*.gif']);

describe('which paths of a library folder a scan would list', () => {
  it('never skips the folder itself', () => {
    expect(rules.skips(root, 'dir')).toBe(false);
  });

  it('lists photos in ordinary folders', () => {
    expect(rules.skips(join(root, '2024', 'beach.JPG'), 'file')).toBe(false);
    expect(rules.skips(join(root, '2024', 'trip'), 'dir')).toBe(false);
  });

  it('skips files that are not photos', () => {
    expect(rules.skips(join(root, 'notes.txt'), 'file')).toBe(true);
    expect(isPhotoName('a.heic')).toBe(true);
    expect(isPhotoName('a.jpg.part')).toBe(false);
  });

  it('skips hidden files and anything under a hidden folder', () => {
    expect(rules.skips(join(root, '.cache.jpg'), 'file')).toBe(true);
    expect(rules.skips(join(root, '.trash', 'a.jpg'), 'file')).toBe(true);
    expect(rules.skips(join(root, 'a', '.git'), 'dir')).toBe(true);
  });

  it("skips system folders such as a NAS's thumbnail folder", () => {
    expect(rules.skips(join(root, 'a', '@eaDir'), 'dir')).toBe(true);
    expect(rules.skips(join(root, 'a', '@eaDir', 'x.jpg'), 'file')).toBe(true);
  });

  it('skips what the exclusion patterns name, relative to the folder', () => {
    // 'private/**' matches 'private/' too, so the scan never walks into the folder at all.
    expect(rules.skips(join(root, 'private'), 'dir')).toBe(true);
    expect(rules.skips(join(root, 'private', 'me.jpg'), 'file')).toBe(true);
    expect(rules.skips(join(root, 'drafts'), 'dir')).toBe(true);
    expect(rules.skips(join(root, 'drafts', 'x.jpg'), 'file')).toBe(true);
    expect(rules.skips(join(root, 'a', 'anim.gif'), 'file')).toBe(true);
  });
});
