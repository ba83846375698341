// Which links the app opens in the system browser: https to a short list of hosts it has reason to link
// to (model pages, the project), nothing else — a page that gets script running cannot use the shell to
// open arbitrary URLs or local files.
const EXTERNAL_HOSTS: readonly string[] = ['huggingface.co', 'github.com'];

export function isAllowedExternalUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url.length > 2048) return false;
  try {
    const u = new URL(url);
    return (
      u.protocol === 'https:' && !u.username && !u.password && !u.port && EXTERNAL_HOSTS.includes(u.hostname)
    );
  } catch {
    return false;
  }
}
