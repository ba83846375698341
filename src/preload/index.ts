// Preload: the only bridge between the sandboxed renderer and main. The desktop app's issue builds
// window.api here from the IPC contract; today it exposes only what the renderer needs to say so.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('glimpse', { platform: process.platform });
