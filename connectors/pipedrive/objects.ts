import { z } from 'zod';

/** The record types the connector reads and writes, and their v2 collection paths. */
export const pipedriveObjects = { person: 'persons', organization: 'organizations', deal: 'deals' } as const;
export type PipedriveObject = keyof typeof pipedriveObjects;
export const pipedriveObject = z.enum(Object.keys(pipedriveObjects) as [PipedriveObject, ...PipedriveObject[]]);

/** A v2 record as Pipedrive returns it: numeric id, RFC 3339 times, everything else passed through. */
export const pipedriveRecord = z.looseObject({ id: z.number().int(), add_time: z.string().optional(), update_time: z.string().optional() });

/** The v2 success envelope around one record. */
export const recordEnvelope = z.object({ success: z.literal(true), data: pipedriveRecord });
