import { badInput, isRole, type Role } from '@platform/kernel';

export function requireName(value: string, field: string): string {
  const name = value.trim().replace(/\s+/g, ' ');
  if (name.length < 1 || name.length > 120) throw badInput(field, 'must be 1 to 120 characters.');
  if (/[\u0000-\u001f]/.test(name)) throw badInput(field, 'must not contain control characters.');
  return name;
}

export function requireRole(value: string, field: string): Role {
  if (!isRole(value)) throw badInput(field, 'is not a role.');
  return value;
}
