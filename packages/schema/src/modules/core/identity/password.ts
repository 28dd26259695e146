// Passwords are hashed with argon2id (@node-rs/argon2), OWASP's minimum parameters.
import { hash, verify } from '@node-rs/argon2';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies; with no stored hash it still spends the same time (no user enumeration by timing). */
  verify(stored: string | null, password: string): Promise<boolean>;
}

const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function createPasswordHasher(): PasswordHasher {
  let dummy: Promise<string> | null = null;
  return {
    hash: (password) => hash(password, OPTIONS),
    verify: async (stored, password) => {
      if (!stored) {
        dummy ??= hash('not-a-real-password', OPTIONS);
        await verify(await dummy, password).catch(() => false);
        return false;
      }
      return verify(stored, password).catch(() => false);
    },
  };
}
