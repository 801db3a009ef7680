export * from './constant-time';
export * from './hub-signature';
export * from './standard-webhooks';
export * from './schemes';
export * from './zoom-signature';
