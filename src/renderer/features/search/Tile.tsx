// One result in the grid: the thumbnail (lazy, over a placeholder), its score, and the gestures a photo
// answers to — click selects, double-click opens the preview, right-click opens the menu, drag goes to
// the OS as the real file.
import { displayPath } from '../../../shared/byte-path';
import { memo, useState, type MouseEvent } from 'react';
import { api } from '../../api';
import { fileName, formatDate, formatScore } from '../../format';
import type { SearchHit } from '../../../shared/types';

export function tileId(index: number): string {
  return `result-${index}`;
}

export const Tile = memo(function Tile({
  hit,
  index,
  selected,
  thumbnailBase,
  showDate,
  onPick,
  onOpen,
  onMenu,
}: {
  hit: SearchHit | undefined;
  index: number;
  selected: boolean;
  thumbnailBase: string;
  showDate: boolean;
  onPick: (index: number) => void;
  onOpen: (index: number) => void;
  onMenu: (index: number, x: number, y: number) => void;
}) {
  const [image, setImage] = useState<'loading' | 'loaded' | 'failed'>('loading');
  if (!hit) {
    return (
      <div
        role="gridcell"
        id={tileId(index)}
        className="tile tile-pending"
        aria-busy="true"
        aria-label="Loading"
      />
    );
  }
  const name = fileName(hit.path);
  const date = hit.takenAt ?? hit.mtimeMs;
  return (
    <div
      role="gridcell"
      id={tileId(index)}
      className={`tile${selected ? ' selected' : ''}`}
      aria-selected={selected}
      aria-label={`${name}, score ${formatScore(hit.score)}`}
      title={displayPath(hit.path)}
      data-testid="result-tile"
      data-photo-id={hit.photoId}
      draggable
      onMouseDown={() => onPick(index)}
      onDoubleClick={() => onOpen(index)}
      onContextMenu={(e: MouseEvent) => {
        e.preventDefault();
        onPick(index);
        onMenu(index, e.clientX, e.clientY);
      }}
      onDragStart={(e) => {
        // The OS drag (a real file other apps accept) replaces the browser's.
        e.preventDefault();
        api.startDrag(hit.photoId);
      }}
    >
      <img
        className={`tile-image ${image}`}
        src={thumbnailBase + hit.photoId}
        alt=""
        loading="lazy"
        decoding="async"
        draggable={false}
        onLoad={() => setImage('loaded')}
        onError={() => setImage('failed')}
      />
      {image === 'failed' && <span className="tile-missing">No thumbnail</span>}
      <span className="tile-score" data-testid="tile-score">
        {formatScore(hit.score)}
      </span>
      {showDate && <span className="tile-date">{formatDate(date)}</span>}
    </div>
  );
});
