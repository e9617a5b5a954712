/** Roles imply each other: owner ⊃ admin ⊃ member ⊃ viewer, plus billing (DESIGN §4). */
export const ROLES = ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER', 'BILLING'] as const;
export type Role = (typeof ROLES)[number];

const IMPLIES: Record<Role, readonly Role[]> = {
  OWNER: ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER', 'BILLING'],
  ADMIN: ['ADMIN', 'MEMBER', 'VIEWER', 'BILLING'],
  MEMBER: ['MEMBER', 'VIEWER'],
  BILLING: ['BILLING', 'VIEWER'],
  VIEWER: ['VIEWER'],
};

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Does `held` include the powers of `required`? */
export const roleSatisfies = (held: Role, required: Role): boolean => IMPLIES[held].includes(required);

/** A role may grant only roles it implies: an admin cannot make an owner. */
export const canGrantRole = (held: Role, granted: Role): boolean => roleSatisfies(held, granted);
