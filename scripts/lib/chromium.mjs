// Debian's Chromium as every headless run here starts it (tests and bench):
// no browser download, and no background networking (this machine's network
// is closed, so Chromium's own connections would only fail).
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);
