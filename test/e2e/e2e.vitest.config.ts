// Runs the browser suite on its own until vitest.config.ts has an `e2e` project:
//   npx vitest run --config test/e2e/e2e.vitest.config.ts
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'),
  test: { include: ['test/e2e/**/*.test.ts', 'test/e2e/**/*.test.tsx'], testTimeout: 600_000, hookTimeout: 180_000, fileParallelism: false },
});
