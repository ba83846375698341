// The large view of one result: the full image, what is known about the file, ←/→ through the results
// and the same actions as the tile's menu. Escape closes and the grid gets its focus back.
import { displayPath } from '../../../shared/byte-path';
import { useEffect, useRef, useState } from 'react';
import { useDialog } from '../../components/useDialog';
import {
  fileName,
  formatBytes,
  formatCount,
  formatDateTime,
  formatDimensions,
  formatScore,
} from '../../format';
import type { ResultPager } from './pager';
import type { PhotoActions } from './photoActions';

export function Preview({
  pager,
  total,
  index,
  version,
  imageBase,
  thumbnailBase,
  actions,
  onIndex,
  onClose,
}: {
  pager: ResultPager;
  total: number;
  index: number;
  version: number;
  imageBase: string;
  thumbnailBase: string;
  actions: PhotoActions;
  onIndex: (index: number) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useDialog(ref, onClose);
  const hit = pager.hit(index);
  const [failed, setFailed] = useState<number | null>(null);
  useEffect(() => pager.ensure(index - 1, index + 1), [pager, index, version]);

  const go = (step: number) => {
    const next = index + step;
    if (next >= 0 && next < total) onIndex(next);
  };

  const name = hit ? fileName(hit.path) : 'Loading…';
  const dims = hit ? formatDimensions(hit.width, hit.height) : null;
  const useThumb = hit !== undefined && failed === hit.photoId;
  return (
    <div className="overlay preview-overlay">
      <div
        ref={ref}
        className="preview"
        role="dialog"
        aria-modal="true"
        aria-label={`Preview: ${name}`}
        data-testid="preview"
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
            e.preventDefault();
            go(e.key === 'ArrowLeft' ? -1 : 1);
          }
        }}
      >
        <div className="preview-stage">
          {hit ? (
            <img
              key={hit.photoId}
              className="preview-image"
              src={(useThumb ? thumbnailBase : imageBase) + hit.photoId}
              alt={name}
              onError={() => setFailed(hit.photoId)}
            />
          ) : (
            <div className="preview-image placeholder" aria-busy="true" />
          )}
          <button
            type="button"
            className="preview-nav prev"
            aria-label="Previous photo"
            disabled={index <= 0}
            onClick={() => go(-1)}
          >
            ‹
          </button>
          <button
            type="button"
            className="preview-nav next"
            aria-label="Next photo"
            disabled={index >= total - 1}
            onClick={() => go(1)}
          >
            ›
          </button>
        </div>
        <aside className="preview-side">
          <div className="preview-head">
            <h2 title={hit ? displayPath(hit.path) : undefined}>{name}</h2>
            <button type="button" className="icon-button" aria-label="Close preview" onClick={onClose}>
              ×
            </button>
          </div>
          <p className="muted">
            {formatCount(index + 1)} of {formatCount(total)}
          </p>
          {hit && (
            <>
              <dl className="details" data-testid="preview-details">
                <dt>Path</dt>
                <dd className="path">{displayPath(hit.path)}</dd>
                <dt>{hit.takenAt !== null ? 'Taken' : 'Modified'}</dt>
                <dd>{formatDateTime(hit.takenAt ?? hit.mtimeMs)}</dd>
                {dims && (
                  <>
                    <dt>Dimensions</dt>
                    <dd>{dims}</dd>
                  </>
                )}
                {hit.camera && (
                  <>
                    <dt>Camera</dt>
                    <dd>{hit.camera}</dd>
                  </>
                )}
                <dt>Score</dt>
                <dd>{formatScore(hit.score)}</dd>
                <dt>File size</dt>
                <dd>
                  {formatBytes(hit.size)}
                  {hit.format ? ` · ${hit.format.toUpperCase()}` : ''}
                </dd>
              </dl>
              {useThumb && (
                <p className="muted">The full image cannot be shown here; this is its thumbnail.</p>
              )}
              <div className="preview-actions">
                <button type="button" onClick={() => actions.open(hit.photoId)}>
                  Open
                </button>
                <button type="button" onClick={() => actions.showInFolder(hit.photoId)}>
                  Show in folder
                </button>
                <button type="button" onClick={() => actions.copyPath(hit.photoId)}>
                  Copy path
                </button>
                <button
                  type="button"
                  onClick={() => {
                    onClose();
                    actions.moreLikeThis(hit.photoId, hit.path);
                  }}
                >
                  More like this
                </button>
              </div>
            </>
          )}
          <p className="muted keys">← → move · Esc closes</p>
        </aside>
      </div>
    </div>
  );
}
