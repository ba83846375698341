import { describe, expect, it } from 'vitest';
import { storedFromBytes } from '../shared/byte-path';
import { withPathBytes } from './json-paths';

describe('a path in --json output', () => {
  it('is left alone when its name is text', () => {
    expect(withPathBytes({ path: '/p/café.jpg', score: 1 })).toEqual({ path: '/p/café.jpg', score: 1 });
  });

  it('has its exact bytes beside it, in base64, when its name is not UTF-8', () => {
    const raw = Buffer.from([0x2f, 0x70, 0x2f, 0x63, 0x61, 0x66, 0xe9, 0x2e, 0x6a, 0x70, 0x67]);
    const entry = withPathBytes({ path: storedFromBytes(raw), score: 1 });
    expect(Buffer.from(entry.pathBytes!, 'base64')).toEqual(raw);
    expect(JSON.parse(JSON.stringify(entry)).path).toBe('/p/caf\u0000\u00e9.jpg');
  });
});
