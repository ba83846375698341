// The part of the core's surface that loads no native module — where Glimpse keeps its files and what
// the machine's GPU and CPU are — so the Electron main process can use it without loading the engine.
export {
  APP_NAME,
  defaultLibraryDir,
  defaultModelDir,
  glimpseHome,
  isInside,
  isInsideReal,
  modelsDir,
} from './paths';
export { fsPath } from './fs/byte-path';
export { cpuInfo } from './gpu/cpu';
export { readGpuStatus, type GpuSample, type GpuStatus } from './gpu/nvidia-smi';
