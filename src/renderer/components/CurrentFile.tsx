// The file a long job is working on, one line: a long path loses its start, never its file name.
export function CurrentFile({ path, testId }: { path: string; testId: string }) {
  return (
    // Right-to-left block, left-to-right text: the overflow ellipsis goes at the start of the path.
    <p className="current-file muted" title={path}>
      <span dir="ltr" data-testid={testId}>
        {path}
      </span>
    </p>
  );
}
