// A tiny SVG time series (images per second over the last couple of minutes): enough to see a trend
// without a chart library.
export function Sparkline({
  values,
  capacity,
  label,
  width = 320,
  height = 64,
}: {
  values: number[];
  /** Samples the x axis spans, so the line grows from the right as samples arrive. */
  capacity: number;
  label: string;
  width?: number;
  height?: number;
}) {
  const max = Math.max(1, ...values);
  const step = width / Math.max(1, capacity - 1);
  const x0 = width - (values.length - 1) * step;
  const points = values.map(
    (v, i) => `${(x0 + i * step).toFixed(1)},${(height - (v / max) * (height - 4) - 2).toFixed(1)}`,
  );
  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      width="100%"
      height={height}
    >
      <line x1={0} y1={height - 1} x2={width} y2={height - 1} className="sparkline-axis" />
      {values.length > 1 && (
        <>
          <polygon
            className="sparkline-area"
            points={`${x0},${height} ${points.join(' ')} ${width},${height}`}
          />
          <polyline className="sparkline-line" points={points.join(' ')} />
        </>
      )}
    </svg>
  );
}
