// Child process for the crash-safety test: saves runs in a loop with the real HistoryStore and prints each id
// once its save has resolved. argv: <history dir> <template run JSON file> <id prefix>.
import { readFileSync } from 'node:fs'
import { RunSchema } from '../../../common/contract'
import { HistoryStore } from '../../../main/history/store'
import { variant } from './run-variant'

async function main(): Promise<void> {
  const [dir, templatePath, prefix] = process.argv.slice(2)
  const template = RunSchema.parse(JSON.parse(readFileSync(templatePath, 'utf8')))
  const store = new HistoryStore(dir, { onWarning: (line) => process.stderr.write(`WARNING ${line}\n`) })
  // Bounded: the parent kills us long before this ends.
  for (let i = 0; i < 100_000; i++) {
    const run = variant(template, `${prefix}-${i}`, i)
    await store.save(run)
    process.stdout.write(`${run.id}\n`)
    // Every fifth save rewrites an earlier run, so a kill can also land on a replacement of an existing file.
    if (i % 5 === 4) {
      const again = variant(template, `${prefix}-${i - 2}`, i - 2)
      await store.save(again)
      process.stdout.write(`${again.id}\n`)
    }
  }
}

void main()
