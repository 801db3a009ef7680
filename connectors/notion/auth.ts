import { auth } from '../sdk/auth';
import { actionFor } from '../sdk/connector';

/** An internal integration secret (or a public integration's OAuth token), as `Authorization: Bearer`. */
export const notionAuth = auth.bearer();
export const defineAction = actionFor(notionAuth);
