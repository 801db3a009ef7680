import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/config';

const validKey = Buffer.alloc(32, 7).toString('base64');

/** Malformed values carrying a canary: the error must name the variable and what is wrong, never echo the value. */
const cases: { name: string; value: string; canary: string; says: RegExp }[] = [
  { name: 'SWITCHYARD_ADMIN_TOKEN', value: 'canary-admin-7f3a', canary: 'canary-admin-7f3a', says: /at least 32 characters.*got 17 characters/ },
  { name: 'SWITCHYARD_SECRET_KEY', value: 'canary-secret-key-not-base64!', canary: 'canary-secret-key', says: /32 random bytes in base64.*got 29 characters/ },
  { name: 'SWITCHYARD_SECRET_KEYS_PREVIOUS', value: `${validKey},canary-previous-key`, canary: 'canary-previous-key', says: /comma list of retired.*got 64 characters/ },
  { name: 'SWITCHYARD_IDENTITY_SECRET', value: 'canary-ident', canary: 'canary-ident', says: /at least 16 characters\), got 12 characters/ },
  { name: 'TEMPORAL_API_KEY', value: 'canary-temporal-key\n', canary: 'canary-temporal-key', says: /without spaces or line breaks, got 20 characters/ },
  { name: 'DATABASE_URL', value: 'postgress://switchyard:canary-db-pass@db.internal:5432/switchyard', canary: 'canary-db-pass', says: /expected postgres:.*for postgress:\/\/db\.internal:5432/ },
  { name: 'DATABASE_URL', value: 'postgres://switchyard:canary-db-pass@db.internal:99999/switchyard', canary: 'canary-db-pass', says: /percent-encode reserved characters.*got 65 characters/ },
];

describe('config errors never echo secrets', () => {
  it.each(cases)('$name: names the variable and what is wrong, not the value', ({ name, value, canary, says }) => {
    let error: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(new RegExp(`^${name}: `));
    expect(message).toMatch(says);
    expect(message).not.toContain(canary);
    expect(JSON.stringify((error as ConfigError).problems)).not.toContain(canary);
  });

  it('still shows values that are not secret', () => {
    expect(() => parseConfig({ TEMPORAL_ADDRESS: 'temporal' })).toThrow('TEMPORAL_ADDRESS: expected host:port, got "temporal"');
  });
});
