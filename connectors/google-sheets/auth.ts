import { auth } from '../sdk/auth';
import { actionFor } from '../sdk/connector';

export const googleSheetsAuth = auth.oauth2({
  tokenUrl: 'https://oauth2.googleapis.com/token',
  scopes: ['https://www.googleapis.com/auth/spreadsheets'],
});
export const defineAction = actionFor(googleSheetsAuth);
