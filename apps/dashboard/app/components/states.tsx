import type { ApiError } from '../api/errors';
import { MISSING } from '../format';

/** Loading is said, never drawn as empty or zero. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** An API error with its message and code (and request id when the gateway masked an internal error). */
export function ErrorBox({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <div className="error" role="alert">
      <strong>{error.message}</strong> <code className="error-code">{error.code}</code>
      {error.detail ? <span className="error-detail"> ({error.detail})</span> : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

/** A value the API did not give: shown as missing, with a reason for screen readers and on hover. */
export function Missing({ reason = 'No data' }: { reason?: string }) {
  return (
    <span className="missing" title={reason} aria-label={reason}>
      {MISSING}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status.toLowerCase()}`} data-status={status}>
      {status.charAt(0) + status.slice(1).toLowerCase()}
    </span>
  );
}
