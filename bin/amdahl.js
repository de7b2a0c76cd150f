#!/usr/bin/env node
// The `amdahl` command: runs the built CLI (out/main/cli.js), or says how to build it.
'use strict'
/* eslint-disable @typescript-eslint/no-require-imports -- npm runs bin files as CommonJS, like the built CLI */
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write('amdahl is not built yet: run `npm run build` first\n')
  process.exit(1)
}
require(cli)
