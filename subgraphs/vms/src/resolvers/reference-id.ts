import { isUuid } from '@platform/kernel';

/**
 * The id of an entity representation, lower-cased, or null when it is no UUID. A representation is
 * a key the router hands over, not a client argument: a malformed one resolves to nothing, like a
 * missing one.
 */
export const referenceId = (id: string): string | null => (isUuid(id) ? id.toLowerCase() : null);
