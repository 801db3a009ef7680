import type { VendorProfile } from '../sdk/types';

/** Any server: the default status rules (`acceptErrorStatus` returns them as output instead). */
export const httpVendor: VendorProfile = { vendor: 'the HTTP server' };
