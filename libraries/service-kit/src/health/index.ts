/** `@ecom/service-kit/health`: readiness reports over named dependency checks. */
export * from './readiness';
