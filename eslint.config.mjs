// ESLint flat config. TypeScript under src/ and test/ is linted with typescript-eslint's
// type-checked rules (types come from tsconfig.test.json, which covers both); the plain .mjs
// scripts under bench/ and scripts/ get the untyped recommended rules. Formatting is Prettier's
// job, so eslint-config-prettier switches off every stylistic rule that would fight it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Node's globals for the untyped scripts (the `globals` package is not a dependency).
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'URL',
    'URLSearchParams',
    'TextDecoder',
    'TextEncoder',
    'console',
    'process',
    'fetch',
    'performance',
    'queueMicrotask',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'clearImmediate',
    'structuredClone',
    'Response',
    'Request',
    'Headers',
  ].map((name) => [name, 'readonly']),
);

const browserGlobals = Object.fromEntries(
  [
    'window',
    'document',
    'location',
    'history',
    'console',
    'fetch',
    'URL',
    'URLSearchParams',
    'TextDecoder',
    'TextDecoderStream',
    'AbortController',
    'getComputedStyle',
    'matchMedia',
    'ResizeObserver',
    'requestAnimationFrame',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'EventSource',
    'performance',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'docs/**'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A `default:` branch that handles the remaining members is exhaustive on purpose.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // A closure that reads the variable before its one assignment (a callback wired into the
      // constructor of the value it refers to) needs `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A leading underscore marks a parameter or destructured field that is deliberately unused
      // (a fixed callback signature, or a field removed from a rest spread).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      // Specs read HTTP response bodies and JSON payloads, which are untyped (`any`) by nature, and
      // assert on them with expect(): the assertion is the type check. Typing every body would add
      // casts that check nothing.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // The test HTTP client types a body `any` unless the caller names a type, for the same reason.
      '@typescript-eslint/no-explicit-any': 'off',
      // Fakes implement the real classes' async interfaces; `async` keeps a fake's throw a
      // rejection, as the real method's is, even when the fake has nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The operations page's script runs in the browser, untyped.
    files: ['src/ops/public/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: browserGlobals },
  },
  {
    files: ['bench/**/*.mjs', 'scripts/**/*.mjs', '*.mjs', '*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: nodeGlobals },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  prettier,
);
