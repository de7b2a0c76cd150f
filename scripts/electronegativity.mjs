#!/usr/bin/env node
// Static Electron security check (Doyensec's electronegativity) over the main process and the page it loads.
// Exit 1 on any finding not justified in the source (`// eng-disable CHECK_ID` on the flagged line) or below.
// Usage: node scripts/electronegativity.mjs [--csv <file>]
// It drives the library directly: its CLI breaks on the project's commander 14, and it would download
// translations and Electron's release list; this runs offline.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stringify } from 'csv-stringify/sync'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const engDir = dirname(require.resolve('@doyensec/electronegativity/package.json'))
const fromEng = createRequire(join(engDir, 'package.json'))

/** The main process and the page it loads, scanned together so the global checks (CSP, navigation) see both. */
const SCANNED = ['main', 'renderer/index.html']
/** Would reach the network (Electron's release list); the Electron version is pinned in package.json instead. */
const OFFLINE_EXCLUDED = ['AvailableSecurityFixesGlobalCheck']
/**
 * Findings that cannot carry an inline annotation (global checks), each with the reason it is accepted.
 * Matched on id, file and severity, so a stronger finding of the same check still fails.
 */
const ACCEPTED = [
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'renderer/index.html',
    severity: 'LOW',
    why: "script-src 'self' is flagged as possibly weak (JSONP or uploads on the same origin); app:// serves only the built bundle",
  },
]

// The library's i18n setup downloads a locale before every run; a local-only setup takes its place.
const i18nModule = join(engDir, 'dist/locales/i18n.js')
const i18n = fromEng('i18n')
const localI18n = async () => {
  i18n.configure({
    locales: ['en-US'],
    defaultLocale: 'en-US',
    directory: join(engDir, 'dist/locales'),
    updateFiles: false,
    objectNotation: true,
    register: globalThis,
  })
  i18n.setLocale('en-US')
}
require.cache[i18nModule] = { id: i18nModule, filename: i18nModule, loaded: true, exports: localI18n }
await localI18n()
const run = fromEng('./dist/runner.js')

const csvArg = process.argv.indexOf('--csv')
const csvFile = csvArg > 0 ? process.argv[csvArg + 1] : undefined
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version

// One folder holding exactly the scanned files, at their project paths.
const scanDir = mkdtempSync(join(tmpdir(), 'amdahl-electronegativity-'))
for (const path of SCANNED) cpSync(join(root, path), join(scanDir, path), { recursive: true })
let result
try {
  result = await run(
    {
      input: scanDir,
      customScan: [],
      excludeFromScan: OFFLINE_EXCLUDED,
      severitySet: 'informational',
      confidenceSet: 'tentative',
      isRelative: true,
      isVerbose: true,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  )
} finally {
  rmSync(scanDir, { recursive: true, force: true })
}

console.log(
  `electronegativity over ${SCANNED.join(', ')}: ${result.atomicChecks} atomic + ${result.globalChecks} global checks, Electron ${electronVersion}`,
)
let parseErrors = 0
for (const error of result.errors) {
  console.log(
    `  ${error.tolerable ? 'warning' : 'NOT PARSED'} ${relative(scanDir, error.file)}: ${error.message}`,
  )
  if (!error.tolerable) parseErrors++
}
const rows = result.issues.map((issue) => {
  const accepted = ACCEPTED.find(
    (a) => a.id === issue.id && a.file === issue.file && a.severity === issue.severity.name,
  )
  const where = `${issue.file}:${issue.location.line}:${issue.location.column}`
  console.log(
    `  ${accepted ? 'accepted' : 'FINDING '} ${issue.id} (${issue.severity.name}, ${issue.confidence.name}) at ${where}`,
  )
  console.log(`           ${accepted ? accepted.why : issue.description}`)
  return { ...issue, where, accepted }
})
if (csvFile) {
  const table = rows.map((r) => [
    r.id,
    r.severity.name,
    r.confidence.name,
    r.where,
    r.description,
    r.accepted?.why ?? '',
  ])
  writeFileSync(
    csvFile,
    stringify([['check', 'severity', 'confidence', 'location', 'description', 'accepted because'], ...table]),
  )
}

const open = rows.filter((r) => !r.accepted).length
if (open === 0 && parseErrors === 0) {
  console.log(`electronegativity: no unjustified findings (${rows.length} accepted)`)
} else {
  console.log(`electronegativity: ${open} unjustified finding(s), ${parseErrors} file(s) not parsed`)
  console.log(
    '  fix them, or justify one with `// eng-disable CHECK_ID` on the flagged line and a comment saying why',
  )
  process.exit(1)
}
