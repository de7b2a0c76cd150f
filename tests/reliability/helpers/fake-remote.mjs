// A hostile or outdated "remote Amdahl" for the target tests: answers info like Amdahl (or not), then misbehaves
// in the way its first argument names. Run as: node fake-remote.mjs <mode> <amdahl arguments…>
const [mode, command] = process.argv.slice(2)
const out = (line) => process.stdout.write(line + '\n')
const info = (version) =>
  out(
    JSON.stringify({
      amdahl: version,
      protocol: 1,
      machine: {
        cpuModel: 'Fake \u001b]0;pwned\u0007CPU',
        logicalCores: 64,
        totalMemoryBytes: 2 ** 36,
        freeMemoryBytes: 2 ** 35,
        platform: 'linux',
        release: '6',
        arch: 'x64',
        node: 'v20',
        v8: '11',
        electron: null,
      },
    }),
  )
if (command === 'info') {
  info(mode === 'old' ? '0.0.9' : mode === 'new' ? '9.9.9' : '0.1.0')
  process.exit(0)
}
out(JSON.stringify({ type: 'hello', amdahl: '0.1.0', protocol: 1 }))
if (mode === 'garbage') out('\u001b[2J this is not json')
else if (mode === 'huge') out(JSON.stringify({ type: 'progress', pad: 'x'.repeat(200_000) }))
else if (mode === 'bad-run')
  out(JSON.stringify({ type: 'run', run: { schema: 1, id: '../../etc/passwd', cells: [] } }))
