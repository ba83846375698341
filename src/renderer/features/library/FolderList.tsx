// The library's folders with their counts and last indexed time, and per-folder re-index and remove
// (remove asks first).
import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatAgo, formatCount, formatDateTime } from '../../format';
import type { FolderStatus } from '../../../shared/types';

export function FolderList({
  folders,
  busy,
  readOnly,
  onReindex,
  onRemove,
  onShowSkipped,
}: {
  folders: FolderStatus[];
  /** Indexing runs: re-index waits for it (remove says why it must wait). */
  busy: boolean;
  /** Another Glimpse holds the library: no change can be made from here. */
  readOnly: boolean;
  onReindex: (path: string) => void;
  onRemove: (path: string) => void;
  onShowSkipped: (path: string) => void;
}) {
  const [removing, setRemoving] = useState<FolderStatus | null>(null);
  return (
    <>
      <table className="folders" aria-label="Folders">
        <thead>
          <tr>
            <th scope="col">Folder</th>
            <th scope="col" className="num">
              Photos
            </th>
            <th scope="col" className="num">
              Skipped
            </th>
            <th scope="col">Last indexed</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {folders.map((f) => (
            <tr key={f.id} data-testid="folder-row" data-path={f.path}>
              <th scope="row" className="path" title={f.path}>
                {f.path}
              </th>
              <td className="num">{formatCount(f.photos)}</td>
              <td className="num">
                {f.failed > 0 ? (
                  <button
                    type="button"
                    className="link-button"
                    aria-label={`Show ${f.failed} skipped in ${f.path}`}
                    onClick={() => onShowSkipped(f.path)}
                  >
                    {formatCount(f.failed)}
                  </button>
                ) : (
                  0
                )}
              </td>
              <td title={f.lastScanAt ? formatDateTime(f.lastScanAt) : undefined}>
                {f.lastScanAt ? formatAgo(f.lastScanAt) : 'not yet'}
              </td>
              <td className="actions">
                <button
                  type="button"
                  disabled={busy || readOnly}
                  aria-label={`Re-index ${f.path}`}
                  onClick={() => onReindex(f.path)}
                >
                  Re-index
                </button>
                <button
                  type="button"
                  className="danger-quiet"
                  disabled={readOnly}
                  aria-label={`Remove ${f.path}`}
                  onClick={() => setRemoving(f)}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {removing && (
        <ConfirmDialog
          title="Remove this folder from the library?"
          confirmLabel="Remove folder"
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            setRemoving(null);
            onRemove(removing.path);
          }}
        >
          <p className="path">{removing.path}</p>
          <p>
            Its {formatCount(removing.photos)} photos leave the library and search results. The files on disk
            are not touched; adding the folder again re-indexes it.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
