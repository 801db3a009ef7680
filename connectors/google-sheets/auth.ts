import { actionFor } from '../sdk/connector';
import { googleOAuth2 } from '../sdk/google';

export const googleSheetsAuth = googleOAuth2(['https://www.googleapis.com/auth/spreadsheets']);
export const defineAction = actionFor(googleSheetsAuth);
