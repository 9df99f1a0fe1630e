import { rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

const shared = {
  // Optional dependencies (native ones, and the redis client of DistributedTokenCache) are loaded at run time, never bundled; so is tsx, which
  // `brokerbridge demo` uses only inside a source checkout, where it is a dev dependency.
  external: ['@napi-rs/keyring', '@azure/msal-node-runtime', 'tsx', 'redis'],
  // The addon loader needs its own location in both module systems.
  shims: true,
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  // The two builds below run in parallel, so neither may clean the folder the other writes to.
  clean: false,
  sourcemap: true,
} satisfies Options;

export default defineConfig((options): Options[] => {
  if (!options.watch) rmSync('dist', { recursive: true, force: true });
  return [
    {
      ...shared,
      // The CLI is ESM only: bin/brokerbridge.mjs imports dist/cli.js.
      entry: { index: 'lib/index.ts', cli: 'lib/cli/main.ts' },
      format: 'esm',
      dts: { entry: { index: 'lib/index.ts' } },
    },
    {
      ...shared,
      entry: { index: 'lib/index.ts' },
      format: 'cjs',
      // jose is ESM-only, and Node before 20.19 / 22.12 cannot require() an ES module.
      // Its synchronous decoders are used synchronously, so a lazy import() will not do:
      // the CommonJS build carries its own copy. (`open` is imported lazily instead; it
      // finds its xdg-open script through its own package folder, so it stays external.)
      noExternal: ['jose'],
      dts: true,
    },
  ];
});
