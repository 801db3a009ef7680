import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection, NativeConnectionOptions } from '@temporalio/worker';
import type * as TemporalWorker from '@temporalio/worker';
import type { Config } from '../config/config';
import { loadKeyRing } from '../security/key-ring';
import { payloadDataConverter } from '../security/payload-codec';

export interface TemporalTarget {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls?: TLSConfig;
  /** Encrypts every payload and failure the engine writes to Temporal; clients and workers must share it. */
  dataConverter?: DataConverter;
}

/** Where Temporal is: the embedded dev server's address, or the configured cluster. */
export function temporalTarget(config: Config, embeddedAddress?: string): TemporalTarget {
  const address = embeddedAddress ?? config.TEMPORAL_ADDRESS;
  if (!address) throw new Error('no Temporal address: set TEMPORAL_ADDRESS or run the embedded dev server');
  const wantsTls = config.TEMPORAL_TLS || Boolean(config.TEMPORAL_TLS_CERT) || Boolean(config.TEMPORAL_API_KEY);
  const tls =
    embeddedAddress || !wantsTls
      ? undefined
      : {
          serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME,
          serverRootCACertificate: config.TEMPORAL_TLS_CA ? readFileSync(config.TEMPORAL_TLS_CA) : undefined,
          clientCertPair:
            config.TEMPORAL_TLS_CERT && config.TEMPORAL_TLS_KEY
              ? { crt: readFileSync(config.TEMPORAL_TLS_CERT), key: readFileSync(config.TEMPORAL_TLS_KEY) }
              : undefined,
        };
  return {
    address,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    apiKey: embeddedAddress ? undefined : config.TEMPORAL_API_KEY,
    tls,
    dataConverter: payloadDataConverter(loadKeyRing(config)),
  };
}

function connectionOptions(target: TemporalTarget): ConnectionOptions & NativeConnectionOptions {
  return { address: target.address, tls: target.tls, apiKey: target.apiKey };
}

/** One client connection per process, shared by the API and any in-process helpers. */
export async function connectClient(target: TemporalTarget): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(target));
  return new Client({ connection, namespace: target.namespace, dataConverter: target.dataConverter });
}

export async function connectWorkerConnection(target: TemporalTarget): Promise<NativeConnection> {
  // Loaded here, not at the top: a process that only uses the client (the API) never loads the worker's native core.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { NativeConnection: Native } = require('@temporalio/worker') as typeof TemporalWorker;
  return Native.connect(connectionOptions(target));
}
