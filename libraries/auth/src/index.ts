/** `@ecom/auth`: roles, signing keys, and bearer tokens signed (CLI, launcher, tests) and verified (gateway) with jose. */
export {
  ROLES,
  DEFAULT_ISSUER,
  DEFAULT_AUDIENCE,
  IDENTITY_HEADERS,
  userIdText,
  type Role,
  type Identity,
} from './identity';
export { generateSigningSecret, generateRsaKeyPair, MIN_HS256_SECRET_LENGTH, type SigningKey } from './signing-keys';
export { signToken, type TokenRequest } from './sign-token';
export {
  createTokenVerifier,
  InvalidTokenError,
  type VerificationKey,
  type VerifierOptions,
  type TokenVerifier,
} from './verify-token';
export {
  initEnvFile,
  parseTokenArguments,
  runTokenCommand,
  tokenFor,
  UsageError,
  type FallbackSecret,
  type TokenArguments,
} from './token-command';
