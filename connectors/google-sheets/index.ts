import { connector } from '../sdk/connector';
import { googleVendor } from '../sdk/google';
import { appendRow } from './append-row';
import { googleSheetsAuth } from './auth';

export const googleSheets = connector({
  id: 'google-sheets',
  name: 'Google Sheets',
  category: 'Productivity',
  description: 'Append rows to Google Sheets (OAuth2, refreshed automatically).',
  auth: googleSheetsAuth,
  baseUrl: 'https://sheets.googleapis.com/v4',
  vendor: googleVendor('Google Sheets', [{ status: 404, kind: 'invalid_input' }]),
}).action(appendRow);
