// The Content-Security-Policy of the app's page: sent as a response header by the glimpse-app://
// protocol (the meta tag in src/renderer/index.html says the same, for the dev server).
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: glimpse-thumb: glimpse-image:; connect-src 'self'";
