import type { Config } from '../config/config';
import { loadKeyRing } from '../security/key-ring';
import { createSecretBox } from '../security/secret-box';
import { openStore, type Store } from '../store/store';

/** The store, with credentials sealed under the current key; previous keys still open old rows. */
export function openConfiguredStore(config: Config): Promise<Store> {
  return openStore(config.databaseUrl, createSecretBox(loadKeyRing(config)));
}
