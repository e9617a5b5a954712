import { badInput, parseText } from '@platform/kernel';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Email {
  readonly email: string;
  /** Lower case: what must be unique, and what sign-in looks up. */
  readonly normalized: string;
}

/** Only identity reads email addresses, so this parser lives here rather than in the kernel. */
export function parseEmail(value: string, field: string): Email {
  const email = parseText(value, field, { max: 254 });
  if (!EMAIL.test(email)) throw badInput(field, 'is not a valid email address.');
  return { email, normalized: email.toLowerCase() };
}
