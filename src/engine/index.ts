// Entry of the engine's Electron utility process. The desktop app's issue wires it to main over a
// MessagePort; until then it only reports that it started, so the build proves the entry bundles.
process.parentPort?.postMessage({ type: 'engine-started', pid: process.pid });
