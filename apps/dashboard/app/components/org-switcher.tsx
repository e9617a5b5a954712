import { useState } from 'react';
import { asApiError, type ApiError } from '../api/errors';
import type { MeQuery } from '../__generated__/graphql';
import { refreshSession } from '../api/session';
import { ErrorBox } from './states';

/** For users with several memberships: switching rotates the session into the other organisation (a token for it). */
export function OrgSwitcher({ me }: { me: MeQuery }) {
  const [error, setError] = useState<ApiError | null>(null);
  const memberships = me.me?.memberships ?? [];
  if (memberships.length < 2) return <span className="org-name">{me.organization.name}</span>;
  return (
    <>
      <label className="org-switcher">
        Organisation
        <select
          value={me.organization.id}
          onChange={(event) => {
            setError(null);
            refreshSession(event.target.value).catch((caught: unknown) => setError(asApiError(caught)));
          }}
        >
          {memberships.map((m) => (
            <option key={m.organization.id} value={m.organization.id}>
              {`${m.organization.name} (${m.role.toLowerCase()})`}
            </option>
          ))}
        </select>
      </label>
      {error ? <ErrorBox error={error} /> : null}
    </>
  );
}
