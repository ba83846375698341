// Vite's client types: CSS imports and `?raw` fixture imports in tests.
/// <reference types="vite/client" />
