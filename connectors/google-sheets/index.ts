import { connector } from '../sdk/connector';
import { appendRow } from './append-row';
import { googleSheetsAuth } from './auth';
import { googleSheetsVendor } from './vendor';

export const googleSheets = connector({
  id: 'google-sheets',
  name: 'Google Sheets',
  category: 'Productivity',
  description: 'Append rows to Google Sheets (OAuth2, refreshed automatically).',
  auth: googleSheetsAuth,
  baseUrl: 'https://sheets.googleapis.com/v4',
  vendor: googleSheetsVendor,
}).actions({ appendRow });
