import { auth } from '../sdk/auth';
import { actionFor } from '../sdk/connector';

/** No credentials: a request carries whatever headers its step gives. */
export const httpAuth = auth.none();
export const defineAction = actionFor(httpAuth);
