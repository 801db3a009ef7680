import type { z } from 'zod';
import { actionFor } from '../sdk/connector';
import { googleOAuth2 } from '../sdk/google';

export const googleSheetsAuth = googleOAuth2(['https://www.googleapis.com/auth/spreadsheets']);
export type GoogleSheetsCredentials = z.output<typeof googleSheetsAuth.credentials>;
export const defineAction = actionFor(googleSheetsAuth);
