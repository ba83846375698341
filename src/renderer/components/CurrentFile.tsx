// The file a long job is working on, one line: a long path loses its start, never its file name.
import { displayPath } from '../../shared/byte-path';

export function CurrentFile({ path, testId }: { path: string; testId: string }) {
  return (
    // Right-to-left block, left-to-right text: the overflow ellipsis goes at the start of the path.
    <p className="current-file muted" title={displayPath(path)}>
      <span dir="ltr" data-testid={testId}>
        {displayPath(path)}
      </span>
    </p>
  );
}
