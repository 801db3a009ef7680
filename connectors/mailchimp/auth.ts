import { z } from 'zod';
import { auth, base64 } from '../sdk/auth';
import { actionFor } from '../sdk/connector';

/** API key `<key>-<dc>`; HTTP Basic `anystring:<key>`; the data center picks the base URL. */
export const mailchimpAuth = auth.custom({
  credentials: z.object({ apiKey: z.string().regex(/^[0-9a-f]+-[a-z]+\d+$/, 'expected a Mailchimp API key like 0123abcd…-us6') }),
  apply(c, req) {
    req.headers.authorization = `Basic ${base64(`switchyard:${c.apiKey}`)}`;
  },
});
export type MailchimpCredentials = z.output<typeof mailchimpAuth.credentials>;
export const defineAction = actionFor(mailchimpAuth);

export function mailchimpBaseUrl(c: MailchimpCredentials): string {
  const dc = c.apiKey.slice(c.apiKey.lastIndexOf('-') + 1);
  return `https://${dc}.api.mailchimp.com/3.0`;
}
