import type { VendorProfile } from '../sdk/types';

/** Any receiver: the default status rules, errors named after the receiver. */
export const webhookVendor: VendorProfile = { vendor: 'the webhook receiver' };
