// Which x86-64 microarchitecture level a CPU reaches, from the flags Linux lists in /proc/cpuinfo: the
// install builds hnswlib-node for it, as hnswlib picks its SIMD distance code (SSE, AVX, AVX-512) when
// it is compiled, not when it runs.

/** Flags each level needs beyond the one below (as /proc/cpuinfo spells them; lzcnt is "abm"). */
const LEVELS = [
  ['x86-64-v3', ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave']],
  ['x86-64-v4', ['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl']],
];

/** The highest level every CPU listed in `cpuinfo` reaches (v3: AVX2 + FMA, v4: AVX-512), or null. */
export function x86Level(cpuinfo) {
  const cpus = cpuinfo
    .split('\n')
    .filter((line) => /^flags\s*:/.test(line))
    .map(
      (line) =>
        new Set(
          line
            .slice(line.indexOf(':') + 1)
            .trim()
            .split(/\s+/),
        ),
    );
  if (!cpus.length) return null;
  let reached = null;
  for (const [level, flags] of LEVELS) {
    if (!cpus.every((has) => flags.every((f) => has.has(f)))) break;
    reached = level;
  }
  return reached;
}
