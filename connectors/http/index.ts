import { connector } from '../sdk/connector';
import { httpAuth, request } from './request';

export const http = connector({
  id: 'http',
  name: 'HTTP',
  category: 'Automation',
  description: 'Any HTTP request to a public URL: the escape hatch when no connector fits.',
  auth: httpAuth,
  baseUrl: null,
  vendor: { vendor: 'the HTTP server' },
}).action(request);
