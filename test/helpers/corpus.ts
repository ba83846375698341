// Photo folders for indexing tests: colour photos the test model tells apart, and a hostile folder
// holding every kind of file an indexer meets in the wild, each with the outcome it must have.
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { COLOURS, COLOUR_PROTOTYPES, type ColourName } from '../../tools/test-model/design';
import { solidPhoto, stripedPhoto, writeSolidPhoto } from './images';
import { pixelBombPng } from './pixel-bomb';

export interface ColourPhoto {
  path: string;
  colour: ColourName;
}

/** Smallest side of a generated photo: big enough for a real JPEG, small enough to decode in a blink. */
const BASE_SIDE_PX = 16;

/**
 * Writes `count` solid-colour JPEGs into `dir`, cycling through the test model's colours. Photo `n`
 * (counting from `first`) is BASE_SIDE_PX + n pixels wide, so every photo has its own bytes and the
 * same `first` always writes the same photos.
 */
export async function writeColourPhotos(dir: string, count: number, first = 0): Promise<ColourPhoto[]> {
  const out: ColourPhoto[] = [];
  for (let i = 0; i < count; i++) {
    const n = first + i;
    const colour = COLOURS[n % COLOURS.length]!;
    const path = join(dir, `${colour}-${n}.jpg`);
    await writeSolidPhoto(path, COLOUR_PROTOTYPES[colour], { width: BASE_SIDE_PX + n, height: BASE_SIDE_PX });
    out.push({ path, colour });
  }
  return out;
}

/** What a hostile folder holds and what indexing it must give. */
export interface HostileCorpus {
  root: string;
  /** Glob patterns to register the folder with (they hide `ignored` files). */
  exclude: string[];
  /** Files that must end up indexed. */
  indexed: string[];
  /** Files that must be reported failed, with the error code. */
  failed: Array<{ path: string; code: string }>;
  /** Files the scan must not report at all (hidden, excluded, not images). */
  ignored: string[];
  /** A good photo the test deletes after the scan and before it is read: it must be reported not-found. */
  vanishing: string;
  /** A photo nobody may read (chmod 000), or null where the test runs as root and chmod denies nothing. */
  denied: string | null;
}

/** Bytes from a fixed linear congruential sequence: corrupt data that is the same on every run. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A striped JPEG with its headers overwritten by noise (but its end marker intact): libjpeg rejects it. */
async function corruptJpeg(): Promise<Buffer> {
  const jpeg = Buffer.from(await stripedPhoto(stripes));
  const startOfScan = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  noise(startOfScan - 22, 7).copy(jpeg, 20);
  return jpeg;
}

/** Enough edges that the entropy-coded data runs to a few kilobytes, so cutting it leaves no image. */
const stripes = {
  width: 64,
  height: 48,
  colours: [
    [255, 0, 0],
    [0, 0, 255],
    [0, 200, 0],
  ] as const,
  stripeWidth: 3,
};

async function put(path: string, bytes: Buffer | string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

const runningAsRoot = () => process.getuid?.() === 0;

/** Writes the hostile corpus under `root` (which must not exist yet or be empty). */
export async function writeHostileCorpus(root: string): Promise<HostileCorpus> {
  const at = (...parts: string[]) => join(root, ...parts);
  const size = { width: 24, height: 18 };
  const striped = await stripedPhoto(stripes);

  const indexed = [
    await writeSolidPhoto(at('good', 'red.jpg'), COLOUR_PROTOTYPES.red, size),
    await writeSolidPhoto(at('good', 'blue.png'), COLOUR_PROTOTYPES.blue, size),
    await writeSolidPhoto(at('good', 'green.webp'), COLOUR_PROTOTYPES.green, size),
    // PNG bytes behind a .jpg name: libvips goes by content, so this is a photo like any other.
    await put(at('mislabelled.jpg'), await solidPhoto(COLOUR_PROTOTYPES.yellow, { ...size, format: 'png' })),
    // A folder that happens to be called photo.jpg is a folder: walked, not decoded.
    await writeSolidPhoto(at('photo.jpg', 'inside.jpg'), COLOUR_PROTOTYPES.purple, size),
  ];
  // A link to a good photo is one more path showing the same content.
  await symlink(at('good', 'red.jpg'), at('link-to-red.jpg'));
  indexed.push(at('link-to-red.jpg'));

  const failed: HostileCorpus['failed'] = [
    {
      path: await put(at('bad', 'truncated.jpg'), striped.subarray(0, Math.floor(striped.length * 0.6))),
      code: 'truncated',
    },
    { path: await put(at('bad', 'corrupt.jpg'), await corruptJpeg()), code: 'corrupt' },
    { path: await put(at('bad', 'empty.jpg'), Buffer.alloc(0)), code: 'empty' },
    { path: await put(at('bad', 'notes.jpg'), 'Holiday notes: buy sun cream.\n'), code: 'not-image' },
    { path: await put(at('bad', 'bomb.png'), pixelBombPng()), code: 'too-large' },
  ];
  // Links that lead nowhere: to a file that does not exist, and to each other.
  await mkdir(at('links'), { recursive: true });
  await symlink(at('no-such-photo.jpg'), at('links', 'dangling.jpg'));
  await symlink(at('links', 'loop-b.jpg'), at('links', 'loop-a.jpg'));
  await symlink(at('links', 'loop-a.jpg'), at('links', 'loop-b.jpg'));
  failed.push({ path: at('links', 'dangling.jpg'), code: 'not-found' });
  failed.push({ path: at('links', 'loop-a.jpg'), code: 'unreadable' });
  failed.push({ path: at('links', 'loop-b.jpg'), code: 'unreadable' });
  // A link back up the tree: walking it must not loop or index good/ twice.
  await symlink(root, at('good', 'back-to-root'));

  const vanishing = await writeSolidPhoto(at('vanishing.jpg'), COLOUR_PROTOTYPES.orange, size);
  failed.push({ path: vanishing, code: 'not-found' });

  let denied: string | null = null;
  if (!runningAsRoot()) {
    denied = await writeSolidPhoto(at('bad', 'denied.jpg'), COLOUR_PROTOTYPES.pink, size);
    await chmod(denied, 0o000);
    failed.push({ path: denied, code: 'unreadable' });
  }

  const ignored = [
    await writeSolidPhoto(at('.hidden', 'secret.jpg'), COLOUR_PROTOTYPES.white, size),
    await writeSolidPhoto(at('.dotfile.jpg'), COLOUR_PROTOTYPES.white, size),
    await writeSolidPhoto(at('private', 'excluded.jpg'), COLOUR_PROTOTYPES.black, size),
    await writeSolidPhoto(at('good', 'excluded-by-name.png'), COLOUR_PROTOTYPES.gray, size),
    await put(at('readme.txt'), 'not a photo'),
  ];
  return {
    root,
    exclude: ['private/**', '**/excluded-by-name.png'],
    indexed,
    failed,
    ignored,
    vanishing,
    denied,
  };
}
