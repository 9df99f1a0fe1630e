import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'lib/index.ts', cli: 'lib/cli/main.ts' },
  // Optional native dependencies are loaded at run time, never bundled.
  external: ['@napi-rs/keyring', '@azure/msal-node-runtime'],
  format: ['esm', 'cjs'],
  dts: true,
  // The addon loader needs its own location in both module systems.
  shims: true,
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
});
