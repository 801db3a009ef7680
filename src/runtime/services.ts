import type { Config } from '../config/config';
import { createSecretBox, loadSecretKey } from '../security/secret-box';
import { openStore, type Store } from '../store/store';

/** The store, with credentials sealed under the configured (or embedded-default) key. */
export function openConfiguredStore(config: Config): Promise<Store> {
  const key = loadSecretKey(config.SWITCHYARD_SECRET_KEY, config.SWITCHYARD_DATA_DIR);
  return openStore(config.databaseUrl, createSecretBox([key]));
}
