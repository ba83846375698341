// A horizontal bar for a share of a whole (indexing progress, GPU memory, utilisation), accessible as a
// progressbar or meter with its value in words.
export function ProgressBar({
  value,
  max,
  label,
  valueText,
  role = 'progressbar',
  tone = 'accent',
}: {
  value: number | null;
  max: number;
  label: string;
  valueText?: string;
  role?: 'progressbar' | 'meter';
  tone?: 'accent' | 'warn';
}) {
  const share = value === null || max <= 0 ? null : Math.min(1, Math.max(0, value / max));
  return (
    <div
      className={`bar bar-${tone}${share === null ? ' bar-indeterminate' : ''}`}
      role={role}
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value ?? undefined}
      aria-valuetext={valueText}
    >
      <div
        className="bar-fill"
        style={{ width: share === null ? undefined : `${(share * 100).toFixed(1)}%` }}
      />
    </div>
  );
}
