// The scopes a token can hold. Node-free on purpose: the console imports this list (the token form shows
// it), so the server and the browser read one list; `.dependency-cruiser.cjs` keeps this file a leaf.

/** Every scope a token can hold, in the order the token form shows them. `tokens:admin` manages tokens; it does not imply the others. */
export const apiScopes = [
  'recipes:read',
  'recipes:write',
  'connections:read',
  'connections:write',
  'runs:read',
  'runs:write',
  'events:write',
  'identity:write',
  'webhooks:read',
  'webhooks:write',
  'tokens:admin',
] as const;
export type ApiScope = (typeof apiScopes)[number];

export function isApiScope(value: string): value is ApiScope {
  return (apiScopes as readonly string[]).includes(value);
}
