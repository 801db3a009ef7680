import { z } from 'zod';
import { durationPattern, parseDuration } from '../../workflows/duration';

const grammar = 'a whole number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m" or "72h"';

/**
 * A duration string → milliseconds, for settings and API fields (recipes keep the text and
 * compile it). `positive` refuses "0s" where zero would mean "never" or "at once".
 */
export function durationMs(opts: { positive?: boolean } = {}) {
  return z.string().transform((value, ctx) => {
    const ms = durationPattern.test(value) ? parseDuration(value) : undefined;
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: `expected a duration: ${grammar}` });
    else if (opts.positive && ms === 0) ctx.addIssue({ code: 'custom', message: 'expected a duration above 0, e.g. "72h"' });
    else return ms;
    return z.NEVER;
  });
}
