import { badInput } from '../errors.ts';

export interface TextRule {
  /** Fewest characters after trimming; default 1 (blank is refused). */
  readonly min?: number;
  readonly max: number;
  /** Trim the ends; default true. */
  readonly trim?: boolean;
  /** Names and labels: runs of whitespace become one space and control characters are refused. */
  readonly singleLine?: boolean;
}

// PostgreSQL text cannot hold NUL: refused here, it would otherwise fail in SQL as an internal error.
const NUL = /\u0000/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Bounded text (names, reasons, search); lengths count characters as a person does (code points). */
export function parseText(value: string, field: string, rule: TextRule): string {
  const { min = 1, max, trim = true, singleLine = false } = rule;
  let text = trim ? value.trim() : value;
  if (singleLine) text = text.replace(/\s+/g, ' ');
  if ((singleLine ? CONTROL : NUL).test(text)) throw badInput(field, 'must not contain control characters.');
  const length = [...text].length;
  if (length === 0 && min > 0) throw badInput(field, 'must not be blank.');
  if (length < min) throw badInput(field, `must be at least ${min} characters.`);
  if (length > max) throw badInput(field, `must be at most ${max} characters.`);
  return text;
}

/** Absent or blank is null; anything else must pass `rule`. */
export function parseOptionalText(value: string | null | undefined, field: string, rule: TextRule): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return parseText(value, field, rule);
}
