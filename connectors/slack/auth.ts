import { auth } from '../sdk/auth';
import { actionFor } from '../sdk/connector';

/** A bot (`xoxb-`) or user (`xoxp-`) token, sent as `Authorization: Bearer` (required for JSON bodies). */
export const slackAuth = auth.bearer();
export const defineAction = actionFor(slackAuth);
