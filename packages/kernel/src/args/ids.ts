import { badInput } from '../errors.ts';
import { isUuid } from '../ids.ts';

/** A UUID argument, lower-cased (ids are stored lower-case); one message for a malformed id everywhere. */
export function parseId(value: string, field: string): string {
  if (!isUuid(value)) throw badInput(field, 'must be a UUID.');
  return value.toLowerCase();
}

export function parseOptionalId(value: string | null | undefined, field: string): string | null {
  return value === null || value === undefined ? null : parseId(value, field);
}

/** Every id of a list, each error naming its position (`field[3]`). */
export function parseIds(values: readonly string[], field: string): string[] {
  return values.map((value, i) => parseId(value, `${field}[${i}]`));
}
