// Types for cpu-level.mjs (the install script's helpers are plain JavaScript: they run before anything is built).
export declare function x86Level(cpuinfo: string): 'x86-64-v3' | 'x86-64-v4' | null;
