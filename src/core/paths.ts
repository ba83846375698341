// Where Glimpse keeps its data: the same folder Electron's app.getPath('userData') gives the desktop
// app (so the CLI and the app share one library and one set of models), overridable for tests and users.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

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

/** The model folder used when no --model is given: GLIMPSE_MODEL, else the active model recorded in
 *  settings.json (the app's model manager writes it), else the default model's folder. */
export function defaultModelDir(env: Env = process.env): string {
  if (env.GLIMPSE_MODEL) return resolve(env.GLIMPSE_MODEL);
  let active = DEFAULT_MODEL_ID;
  const settings = join(glimpseHome(env), 'settings.json');
  if (existsSync(settings)) {
    try {
      const parsed = JSON.parse(readFileSync(settings, 'utf8')) as { activeModel?: unknown };
      if (typeof parsed.activeModel === 'string' && parsed.activeModel) active = parsed.activeModel;
    } catch {
      // A damaged settings file must not stop the CLI; the default model is the safe answer.
    }
  }
  return join(modelsDir(env), active);
}
