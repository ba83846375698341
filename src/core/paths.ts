// Where Glimpse keeps its data: the same folder Electron's app.getPath('userData') gives the desktop
// app (so the CLI and the app share one library and one set of models), overridable for tests and users.
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fsPath, storedPath } from './fs/byte-path';
import { readStoredSettings } from './settings';

export const APP_NAME = 'Glimpse';
/** The model a fresh install uses: the one Glimpse is built around. */
export const DEFAULT_MODEL_ID = 'vit-h-14-laion2b-s32b-b79k-fp16';

type Env = Record<string, string | undefined>;

/** Electron's userData for an app named "Glimpse", per OS; GLIMPSE_HOME overrides it. */
export function glimpseHome(env: Env = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.GLIMPSE_HOME) return resolve(env.GLIMPSE_HOME);
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_NAME);
}

export function defaultLibraryDir(env: Env = process.env): string {
  return join(glimpseHome(env), 'library');
}

export function modelsDir(env: Env = process.env): string {
  return join(glimpseHome(env), 'models');
}

/** The model folder used when no --model is given: GLIMPSE_MODEL, else the folder or installed model
 *  chosen in settings.json (the app's settings and model store write it), else the default model's. */
export function defaultModelDir(env: Env = process.env): string {
  if (env.GLIMPSE_MODEL) return resolve(env.GLIMPSE_MODEL);
  const { stored } = readStoredSettings(glimpseHome(env));
  if (stored.modelDir) return resolve(stored.modelDir);
  return join(modelsDir(env), stored.activeModel ?? DEFAULT_MODEL_ID);
}

/** True when `child` is `parent` or inside it (both absolute; no symlink resolution). */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** True when `child` is inside `parent` once every symbolic link in both is resolved: a link inside a
 *  library folder that leads out of it (to a file, to `/`) is not inside. False when either is missing.
 *  Both may be stored paths (src/shared/byte-path.ts): resolved as bytes, compared as stored. */
export function isInsideReal(child: string, parent: string): boolean {
  const real = (path: string) => storedPath(realpathSync.native(fsPath(path), { encoding: 'buffer' }));
  try {
    return isInside(real(child), real(parent));
  } catch {
    return false;
  }
}
