// `glimpse … | head`: once the reader of stdout is gone, the command ends quietly (exit 0) as other
// Unix tools do under SIGPIPE, instead of an EPIPE stack trace. The library is crash-safe, so ending
// mid-command loses nothing that was committed.
let installed = false;

export function endQuietlyOnBrokenPipe(stream: NodeJS.WriteStream = process.stdout): void {
  if (installed) return;
  installed = true;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
