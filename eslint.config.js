// Lint, with the layer rules of docs/ARCHITECTURE.md enforced on imports:
// core/ never imports electron, react or the DOM world; renderer/ never imports Node.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['assert', 'buffer', 'child_process', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'https', 'module', 'net', 'os', 'path', 'process', 'readline', 'stream', 'tls', 'url', 'util', 'worker_threads', 'zlib'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-electron/**', '.cache/**', 'test/.tmp/**', 'demo-output/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'core/ is the engine and never imports Electron (docs/ARCHITECTURE.md).' }],
          patterns: [
            { group: ['electron', 'electron/*', 'react', 'react/*', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'], message: 'core/ never imports Electron or UI libraries.' },
            { group: ['**/electron/**', '**/renderer/**', '**/cli/**'], message: 'core/ depends on nothing above it.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...NODE_BUILTINS.map((name) => ({ name, message: 'renderer/ runs in the browser and never imports Node.' })), { name: 'electron', message: 'The renderer talks to the engine only through window.clearcut (electron/common/api.ts).' }],
          patterns: [
            { group: ['node:*'], message: 'renderer/ runs in the browser and never imports Node.' },
            { group: ['**/core/**', '**/electron/main/**', '**/electron/preload/**', '**/cli/**'], message: 'renderer/ reaches the engine only through electron/common/api.ts.' },
          ],
        },
      ],
    },
  },
);
