export { ROLES, type Role, type Identity } from './identity';

/** The claims' defaults, shared by whoever signs (the CLI, the launcher, tests) and the gateway that verifies. */
export const DEFAULT_ISSUER = 'ecom-platform';
export const DEFAULT_AUDIENCE = 'ecom-api';
