// Where the remote targets are kept (targets.json in the data folder); what a target is lives in common/targets.ts.
import { dirname, join } from 'node:path'
import lockfile from 'proper-lockfile'
import { z } from 'zod'
import { MAX_TARGETS, TargetSchema, type Target } from '../../common/targets'
import { ApiError, formatIssues } from '../../common/contract'
import { oneLine } from '../../common/one-line'
import { writeFileAtomic } from '../history/atomic'
import { makeFolder } from '../history/make-folder'
import { readRegularFile } from '../history/read-file'

export {
  DEFAULT_REMOTE_COMMAND,
  MAX_TARGETS,
  parseDestination,
  TargetNameSchema,
  TargetSchema,
  type Destination,
  type Target,
} from '../../common/targets'

const TargetsFileSchema = z.strictObject({
  targets: z.array(TargetSchema).max(MAX_TARGETS, `at most ${MAX_TARGETS} targets`),
})

const MAX_TARGETS_FILE_BYTES = 1024 * 1024
/** proper-lockfile refreshes a held lock every stale / 2; one left by a killed process is taken over after this. */
const LOCK_STALE_MS = 10_000
/** How long a change waits for another's: longer than a stale lock lives, so one left by a killed process is taken. */
const LOCK_WAIT_EXTRA_MS = 5_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** targets.json in the data folder; every write replaces it atomically. */
export class TargetStore {
  readonly file: string
  /** A lock not refreshed for this long is taken over (its holder was killed); tests shorten it. */
  private readonly staleMs: number
  constructor(dataDir: string, options: { staleMs?: number } = {}) {
    this.file = join(dataDir, 'targets.json')
    this.staleMs = options.staleMs ?? LOCK_STALE_MS
  }

  async list(): Promise<Target[]> {
    let text: string
    try {
      // A regular file of bounded size (a link to one is fine): a pipe or a device put there is refused unopened.
      const read = await readRegularFile(this.file, MAX_TARGETS_FILE_BYTES, {
        what: 'targets file',
        followLinks: true,
      })
      if (read.state === 'missing') return []
      if (read.state === 'refused') throw new ApiError(`${this.file}: ${read.reason}`)
      text = read.text
    } catch (error) {
      if (error instanceof ApiError) throw error
      throw new ApiError(`cannot read ${this.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`)
    }
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      throw new ApiError(`${this.file} is not JSON: fix or remove it`)
    }
    const parsed = TargetsFileSchema.safeParse(raw)
    if (!parsed.success) throw new ApiError(`${this.file}: ${formatIssues(parsed.error)}`)
    return parsed.data.targets
  }

  async get(name: string): Promise<Target> {
    const found = (await this.list()).find((t) => t.name === name)
    if (!found) throw new ApiError(`no target named ${JSON.stringify(name)} (see amdahl target list)`)
    return found
  }

  async add(target: Target): Promise<void> {
    const checked = TargetSchema.parse(target)
    await this.locked(async () => {
      const targets = await this.list()
      if (targets.some((t) => t.name === checked.name)) {
        throw new ApiError(`a target named ${checked.name} exists: remove it first`)
      }
      if (targets.length >= MAX_TARGETS) throw new ApiError(`at most ${MAX_TARGETS} targets`)
      await this.write([...targets, checked])
    })
  }

  async remove(name: string): Promise<boolean> {
    // Nothing to remove, nothing written (a data folder that does not exist is not made).
    if (!(await this.list()).some((t) => t.name === name)) return false
    return this.locked(async () => {
      const targets = await this.list()
      const kept = targets.filter((t) => t.name !== name)
      if (kept.length === targets.length) return false
      await this.write(kept)
      return true
    })
  }

  /**
   * One change at a time, across processes too (eight `amdahl target add` at once, or the app beside the CLI):
   * each reads, changes and writes the file holding targets.json.lock, a directory made atomically and taken
   * over once stale. Without it each read the same file and the last write won: of eight adds, three were kept,
   * and a removed target came back.
   */
  private async locked<T>(change: () => Promise<T>): Promise<T> {
    const cannot = (error: unknown) => {
      // Already one line naming the folder (one that takes no new folders): said as it is.
      if (error instanceof ApiError) return error
      const e = error as NodeJS.ErrnoException
      return new ApiError(`cannot change ${this.file}: ${e.code ?? oneLine(e.message ?? String(error))}`)
    }
    try {
      await makeFolder(dirname(this.file))
    } catch (error) {
      throw cannot(error)
    }
    let release: () => Promise<void>
    // Waits only while another holds the lock: any other error (a read-only folder: EACCES) is said at once.
    const deadline = Date.now() + this.staleMs + LOCK_WAIT_EXTRA_MS
    for (let wait = 5; ; wait = Math.min(wait * 1.5, 200)) {
      try {
        release = await lockfile.lock(this.file, { realpath: false, stale: this.staleMs, retries: 0 })
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw cannot(error)
        if (Date.now() > deadline)
          throw new ApiError(`${this.file} is being changed by another Amdahl and stayed locked: try again`)
        await sleep(wait)
      }
    }
    try {
      return await change()
    } finally {
      await release().catch(() => undefined)
    }
  }

  private async write(targets: Target[]): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify({ targets }, null, 2)}\n`)
  }
}
