// A failed load or action, said in the words the api gave, with a way to try again where that helps.
export function ErrorNote({
  message,
  onRetry,
  title,
}: {
  message: string;
  onRetry?: () => void;
  title?: string;
}) {
  return (
    <div className="error-note" role="alert">
      {title && <strong>{title}</strong>}
      <span>{message}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
