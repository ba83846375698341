// Reads a photo's bytes once and derives what the catalog keys content by: a SHA-256 hex digest
// computed on libuv's thread pool (WebCrypto), so hashing never blocks the event loop.
import { webcrypto } from 'node:crypto';

export async function contentHash(bytes: Uint8Array): Promise<string> {
  const digest = await webcrypto.subtle.digest('SHA-256', bytes);
  return Buffer.from(digest).toString('hex');
}
