import type { Generated, Kysely, Transaction } from 'kysely';
import type { OutboxTables } from '@platform/kernel';

export interface UsersTable {
  id: string;
  email: string;
  email_normalized: string;
  display_name: string;
  password_hash: string;
  created_at: Generated<Date>;
}

export interface RefreshTokensTable {
  id: string;
  family_id: string;
  user_id: string;
  organization_id: string | null;
  token_hash: Buffer;
  created_at: Generated<Date>;
  expires_at: Date;
  /** When the family's sign-in happened; the family ends REFRESH_FAMILY_MAX_SECONDS later. */
  family_started_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

export interface SigningKeysTable {
  kid: string;
  algorithm: string;
  public_jwk: unknown;
  /** Null once sealed (every row, after the first start with a key-encryption key). */
  private_jwk: unknown;
  /** base64url(iv ‖ tag ‖ AES-256-GCM ciphertext of the private JWK). */
  private_key_sealed: string | null;
  kek_id: string | null;
  created_at: Generated<Date>;
  activates_at: Date;
  retires_at: Date | null;
}

export interface LoginFailuresTable {
  email_normalized: string;
  window_started_at: Date;
  failures: number;
  locked_until: Date | null;
}

export interface LoginAddressFailuresTable {
  address: string;
  window_started_at: Date;
  failures: number;
  locked_until: Date | null;
}

export interface ApiKeysTable {
  id: string;
  organization_id: string;
  owner_user_id: string;
  owner_organization_id: string;
  name: string;
  prefix: string;
  secret_hash: Buffer;
  role: string;
  scopes: string[];
  requests_per_minute: number | null;
  burst: number | null;
  created_at: Generated<Date>;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

export interface IdentityDatabase extends OutboxTables {
  api_keys: ApiKeysTable;
  login_address_failures: LoginAddressFailuresTable;
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  login_failures: LoginFailuresTable;
}

/** What a repository function runs on: the pool, or the transaction its caller owns. */
export type IdentityDb = Kysely<IdentityDatabase> | Transaction<IdentityDatabase>;
