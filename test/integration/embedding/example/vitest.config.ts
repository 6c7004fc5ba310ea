// Example vitest config (docs/embedding.md): a Gregor broker per test run via globalSetup.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.spec.ts'],
    globalSetup: ['./global-setup.ts'],
  },
});
