export interface User {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly createdAt: Date;
}

/** A user with the secret needed to check a password; never leaves the domain. */
export interface UserCredentials extends User {
  readonly passwordHash: string;
}
