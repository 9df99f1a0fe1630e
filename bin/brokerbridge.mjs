#!/usr/bin/env node
// The `brokerbridge` command. All logic lives in the library (lib/cli/main.ts, built to dist/cli.js).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
