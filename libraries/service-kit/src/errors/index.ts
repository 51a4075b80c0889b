/** `@ecom/service-kit/errors`: the one error type, its codes and its JSON body. No I/O library. */
export * from './error-codes';
export * from './app-error';
export * from './error-body';
