/** Who may do what: `customer` orders for itself, `admin` runs the catalogue and every order. */
export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The caller a verified token names. */
export interface Identity {
  readonly userId: number;
  readonly role: Role;
}

/** The claims' defaults, shared by whoever signs (the CLI, the launcher, tests) and the gateway that verifies. */
export const DEFAULT_ISSUER = 'ecom-platform';
export const DEFAULT_AUDIENCE = 'ecom-api';
