// How a model's facts read in the UI (size, speed, precision, download phase), shared by first run and
// Settings → Models so both say them alike.
import { formatBytes } from '../../format';
import type { ModelRow, PullPhase, SpeedClass } from '../../../shared/types';

const SPEED: Record<SpeedClass, string> = {
  fast: 'fast',
  medium: 'medium speed',
  slow: 'slow',
  'very-slow': 'very slow',
};

export const PHASES: Record<PullPhase, string> = {
  resolving: 'Finding the files',
  checking: 'Checking what is already downloaded',
  downloading: 'Downloading',
  building: 'Building the model for your GPU',
  verifying: 'Checking the built model',
  installing: 'Verifying and installing',
  done: 'Installed',
};

/** An installed model's size is measured on disk; a listed model's is the approximate download. */
export function modelSize(row: Pick<ModelRow, 'installed' | 'sizeBytes'>): string {
  if (row.sizeBytes === null) return 'size unknown';
  return row.installed ? formatBytes(row.sizeBytes) : `about ${formatBytes(row.sizeBytes)}`;
}

/** "fast on a GPU, very slow on a CPU". */
export function speedWords(speed: ModelRow['speed']): string | null {
  return speed ? `${SPEED[speed.gpu]} on a GPU, ${SPEED[speed.cpu]} on a CPU` : null;
}

/** Names in the model list say the export after a comma ("…, FP32, Immich export"): buttons need only the model. */
export function shortName(name: string): string {
  return name.split(',')[0]!.trim();
}

/** "OpenAI CLIP ViT-B/32: no NVIDIA GPU seen…" → the part after the model's own name. */
export function reasonWithoutName(reason: string, name: string): string {
  return reason.startsWith(`${name}: `) ? reason.slice(name.length + 2) : reason;
}

/** One line of facts: "about 582 MB · 512 dimensions · FP32". */
export function specLine(row: ModelRow): string {
  return [
    modelSize(row),
    row.embedDim ? `${row.embedDim} dimensions` : null,
    row.precision?.toUpperCase() ?? null,
  ]
    .filter(Boolean)
    .join(' · ');
}
