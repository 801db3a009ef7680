import { googleVendor } from '../sdk/google';

/** Google's error model and 403 quota rule (shared with Drive); an unknown spreadsheet (404) is the step's input. */
export const googleSheetsVendor = googleVendor('Google Sheets', [{ status: 404, kind: 'invalid_input' }]);
