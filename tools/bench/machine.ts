// What the numbers were measured on: CPU, cores, memory, runtime and native library versions, and the
// load average, so a report from a busy shared machine says so.
import { cpus, loadavg, release, totalmem } from 'node:os';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';

interface MachineInfo {
  cpu: string;
  cores: number;
  memory_gib: number;
  platform: string;
  arch: string;
  kernel: string;
  node: string;
  onnxruntime_node: string;
  sharp: string;
  libvips: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
    kernel: release(),
    node: process.version,
    onnxruntime_node: ort.env.versions.node ?? 'unknown',
    sharp: sharp.versions.sharp ?? 'unknown',
    libvips: sharp.versions.vips,
  };
}

/** 1, 5 and 15 minute load averages, rounded to hundredths. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = loadavg().map((x) => Math.round(x * 100) / 100);
  return [a!, b!, c!];
}
