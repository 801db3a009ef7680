import type { Config } from '../config/config';
import { loadKeyRing } from '../security/key-ring';
import { createSecretBox } from '../security/secret-box';
import type { SchemaMode } from '../store/schema-version';
import { openStore, type Store } from '../store/store';

/** The store, with credentials sealed under the current key; previous keys still open old rows. `schema` as in openStore. */
export function openConfiguredStore(config: Config, schema: SchemaMode = 'migrate'): Promise<Store> {
  return openStore(config.databaseUrl, createSecretBox(loadKeyRing(config)), { schema });
}
