/** The workspace's packages (pnpm-workspace.yaml), as folders from the root: jest's projects and ESLint's package boundaries. */
module.exports = [
  'libraries/service-kit',
  'libraries/auth',
  'libraries/system-launcher',
  'services/product-service',
  'services/order-service',
  'gateway',
  'performance-tests',
  'infrastructure',
  'aws',
  'reliability',
];
