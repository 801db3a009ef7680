import { connector } from '../sdk/connector';
import { httpAuth } from './auth';
import { request } from './request';
import { httpVendor } from './vendor';

export const http = connector({
  id: 'http',
  name: 'HTTP',
  category: 'Automation',
  description: 'Any HTTP request to a public URL: the escape hatch when no connector fits.',
  auth: httpAuth,
  baseUrl: null,
  vendor: httpVendor,
}).actions({ request });
