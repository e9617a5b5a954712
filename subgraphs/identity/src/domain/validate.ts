import { badInput } from '@platform/kernel';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Returns the trimmed address and its normalised form (lower case), which must be unique. */
export function requireEmail(value: string, field: string): { email: string; normalized: string } {
  const email = value.trim();
  if (email.length > 254 || !EMAIL.test(email)) throw badInput(field, 'is not a valid email address.');
  return { email, normalized: email.toLowerCase() };
}

export function requireDisplayName(value: string, field: string): string {
  const name = value.trim().replace(/\s+/g, ' ');
  if (name.length < 1 || name.length > 120) throw badInput(field, 'must be 1 to 120 characters.');
  return name;
}
