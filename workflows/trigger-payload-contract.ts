/**
 * What the run workflow and the payload-loading activity agree on: the activity's name and input,
 * its failure type, and how a stored payload is cut down to the paths a plan reads. No SDK imports,
 * so activities load no workflow code.
 */

/** Activity type that loads a payload stored by reference (a public contract written into histories). */
export const loadTriggerPayloadActivity = 'switchyard.loadTriggerPayload';

/** Failure type of a run whose stored trigger payload cannot be loaded (pruned) or is still too large. */
export const triggerPayloadUnavailableType = 'TriggerPayloadUnavailable';

/** A path into the trigger, e.g. ['data', 'item', 'source', 'subject']; [] is the whole trigger. */
export type TriggerPath = (string | number)[];

export interface LoadTriggerPayloadInput {
  ref: string;
  /** The trigger paths the plan reads; null = all of it (the plan reads the trigger dynamically). */
  paths: TriggerPath[] | null;
  /** Largest projection (JSON bytes) the activity may return into history. */
  maxBytes: number;
}

/** A copy of `value` holding only the given paths (a shorter path keeps its whole subtree). */
export function projectPaths(value: unknown, paths: TriggerPath[] | null): unknown {
  if (paths === null) return value;
  let out: unknown = undefined;
  for (const path of paths) {
    if (path.length === 0) return value;
    let src: unknown = value;
    let found = true;
    for (const seg of path) {
      if (src === null || typeof src !== 'object' || !Object.hasOwn(src, seg)) {
        found = false;
        break;
      }
      src = (src as Record<string, unknown>)[seg as string];
    }
    if (!found) continue;
    out ??= Array.isArray(value) ? [] : {};
    let dst = out as Record<string | number, unknown>;
    let from = value as Record<string | number, unknown>;
    path.forEach((seg, i) => {
      const next = from[seg];
      if (i === path.length - 1) dst[seg] = next;
      else {
        dst[seg] ??= Array.isArray(next) ? [] : {};
        dst = dst[seg] as Record<string | number, unknown>;
        from = next as Record<string | number, unknown>;
      }
    });
  }
  return out ?? {};
}
