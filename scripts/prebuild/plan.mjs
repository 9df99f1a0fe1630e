#!/usr/bin/env node
// What binding.gyp compiles for one OS, so every cross build (and the mingw
// compile check) follows the real node-gyp build instead of a second list.
//
//   node scripts/prebuild/plan.mjs <win|mac|linux>
//
// prints JSON: { sources, defines, cxxStandard, includeDirs }
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function buildPlan(os) {
  const gyp = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8'));
  const target = gyp.targets[0];
  const forOs = (target.conditions ?? []).filter(([cond]) => cond === `OS=='${os}'`).map(([, settings]) => settings);
  const all = (key) => [...(target[key] ?? []), ...forOs.flatMap((s) => s[key] ?? [])];
  const require = createRequire(join(root, 'package.json'));
  return {
    sources: all('sources'),
    defines: all('defines'),
    cxxStandard: (target.cflags_cc ?? []).find((flag) => flag.startsWith('-std=')) ?? '-std=c++17',
    includeDirs: [dirname(require.resolve('node-addon-api/package.json')), join(dirname(require.resolve('node-api-headers/package.json')), 'include')],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const os = process.argv[2];
  if (!['win', 'mac', 'linux'].includes(os)) {
    console.error('usage: plan.mjs <win|mac|linux>');
    process.exit(2);
  }
  console.log(JSON.stringify(buildPlan(os), null, 2));
}
