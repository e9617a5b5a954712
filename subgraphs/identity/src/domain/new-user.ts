import { parseId, parseText, type Role } from '@platform/kernel';
import { parseEmail, type Email } from './email.ts';
import { PASSWORD_RULE } from './passwords.ts';

/** A createUser command, parsed: every field checked before anything is hashed or written. */
export interface NewUser {
  readonly email: Email;
  readonly password: string;
  readonly displayName: string;
  readonly organizationId: string;
  readonly role: Role;
}

/** Fields are named as the command names them; the resolver puts them under its argument (`fieldsUnder`). */
export function parseNewUser(input: { email: string; password: string; displayName: string; organizationId: string; role: Role }): NewUser {
  return {
    email: parseEmail(input.email, 'email'),
    password: parseText(input.password, 'password', PASSWORD_RULE),
    displayName: parseText(input.displayName, 'displayName', { max: 120, singleLine: true }),
    organizationId: parseId(input.organizationId, 'organizationId'),
    role: input.role,
  };
}
