// Two tiers: unit specs beside the code (fakes only) and e2e specs in test/ that boot
// the app against real Postgres and Redis. Both run under ESM: jest needs Node's
// --experimental-vm-modules, which `npm test` passes, and @swc/jest (.swcrc) transforms TypeScript.
import vm from 'node:vm';

const jestRequiresEsm = typeof vm.SourceTextModule?.prototype.hasAsyncGraph === 'function';

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: ['reflect-metadata'],
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  // `@fastify/static` and `light-my-request` require() the ESM-only `content-disposition` and
  // `cookie`. Jest loads such modules natively on Node 24.9+ (the same test as jest-runtime's);
  // on older Node swc has to transform those two packages.
  ...(jestRequiresEsm ? {} : { transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie)/)'] }),
};

/** `--selectProjects faults`, as `npm run test:faults` passes it. */
const faultsSelected = process.argv.some(
  (arg, index, argv) => arg === '--selectProjects=faults' || (arg === 'faults' && argv.slice(0, index).includes('--selectProjects')),
);

export default {
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
    },
    // Outages, two instances, concurrency and shutdown against the built app: `npm run test:faults`.
    // Listed only when asked for by name, so `npm test` runs unit and e2e alone.
    ...(faultsSelected ? [{ ...shared, displayName: 'faults', roots: ['<rootDir>/test/faults'], testMatch: ['**/*.fault-spec.ts'] }] : []),
  ],
  testTimeout: 60000,
};
