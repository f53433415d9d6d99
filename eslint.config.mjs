import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import architecture from './eslint/architecture.mjs';

// No file of src/ or webview/ is over 500 lines (issue 16): a file that grows past it is split by what its parts do.
// test/host/fileLength.test.ts holds every file of src/ and webview/ to the same bound. (The two protocol files that
// were the last exceptions are one file per channel now, src/shared/protocol/.)
export const MAX_FILE_LINES = 500;
export const KNOWN_LONG_FILES = [];

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '.tools/', 'test-results/', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='eval']", message: 'No eval.' }, { selector: "NewExpression[callee.name='Function']", message: 'No new Function.' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The architecture's directions (eslint/architecture.mjs): layers (src/base/, the host's ground floor, imports
    // no feature folder), no import cycle, no two host folders importing each other. No allowances: a wrong arrow
    // fails the lint, and the design changes instead.
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { architecture },
    rules: {
      'architecture/layers': 'error',
      'architecture/no-cycles': 'error',
      'architecture/no-mutual-folders': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    ignores: KNOWN_LONG_FILES,
    rules: { 'max-lines': ['error', { max: MAX_FILE_LINES }] },
  },
  {
    // The engine runs in the worker, tests and the CLI: it must never reach for VS Code or the rest of the host.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['vscode', '../*/**', '!../shared/*', 'node:*'], message: 'src/engine/ is pure: no vscode, no host modules, no Node APIs.' }] }],
    },
  },
  {
    // The host never trains: training code is reachable only from the worker bundle.
    files: ['src/**/*.ts'],
    ignores: ['src/engine/**', 'src/worker/**', 'src/parallel/**', 'src/cli.ts', 'src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/engine/*', '**/engine'], message: 'The extension host must not import the engine: send a message to the worker.' }] }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['vscode', 'node:*', '**/src/engine/*', '**/src/training/*', '**/src/panels/*'], message: 'Webviews draw what they are sent: they import only src/shared and webview/common.' }] }],
    },
  },
);
