import { connector } from '../sdk/connector';
import { appendBlocks } from './append-blocks';
import { notionAuth } from './auth';
import { createDatabasePage } from './create-database-page';
import { notionVendor } from './vendor';

export const notion = connector({
  id: 'notion',
  name: 'Notion',
  category: 'Productivity',
  description: 'Notion databases and pages: add a typed database row, append blocks to a page.',
  auth: notionAuth,
  baseUrl: 'https://api.notion.com',
  vendor: notionVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'GET', path: '/v1/users/me' });
  },
})
  .actions({ createDatabasePage, appendBlocks });
