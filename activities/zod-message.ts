import type { z } from 'zod';

/** `input.fields.summary: Too big: expected string to have <=255 characters; ...` */
export function describeIssues(prefix: string, error: z.ZodError): { message: string; field?: string } {
  const parts = error.issues.slice(0, 5).map((i) => `${[prefix, ...i.path.map(String)].join('.')}: ${i.message}`);
  const first = error.issues[0];
  return { message: parts.join('; '), field: first ? [prefix, ...first.path.map(String)].join('.') : undefined };
}
