// The real worker with three test faults switched on from outside, since the engine has no crash hook of its own:
// RELY_CRASH_MARKER names a file; the first `run` over part of the matrix (a parallel task, never the serial
// baseline's or a pool of 1's whole-matrix task) that manages to take it (rename) ends its worker, thread or
// process, mid-task. RELY_SPEED_CRASH_MARKER likewise, for the first speed check taken by a worker that has run
// part of the matrix (a worker of a parallel pool, past its warm-up). RELY_FILL_THROWS=1 makes every fill throw,
// so a run fails while its pools are up.
import { renameSync } from 'node:fs'
import workerpool from 'workerpool'

type Method = (...args: unknown[]) => unknown
const wp = workerpool as unknown as { worker: (methods: Record<string, Method>) => unknown }
const register = wp.worker.bind(workerpool)

function takeMarker(marker = process.env.RELY_CRASH_MARKER): boolean {
  if (!marker) return false
  try {
    renameSync(marker, `${marker}.taken-${process.pid}`)
    return true
  } catch {
    return false // no marker now, or another worker took it first
  }
}

/** A task over fewer rows than the matrix has: one chunk of a parallel cell. */
function partial(task: unknown): boolean {
  const t = task as {
    mode: string
    rowStart?: number
    rowEnd?: number
    n: number
    rows?: Float64Array
    ref?: { layout: { n: number } }
  }
  if (t.mode === 'shared' && t.ref) return (t.rowEnd ?? 0) - (t.rowStart ?? 0) < t.ref.layout.n
  return t.rows !== undefined && t.rows.length < t.n * t.n
}

/** This worker has run part of the matrix: it belongs to a parallel pool. */
let ranPart = false

// The switches replace the methods in the very object the worker registers: its lane (worker.ts) calls `run`
// through that object, so a lane's tasks meet the crash switch as a message's task does.
wp.worker = (methods) => {
  const { run, speed, fill } = methods
  Object.assign(methods, {
    run: (...args: unknown[]) => {
      // process.exit in a worker thread ends only that thread, which is exactly a crashed worker.
      if (partial(args[0])) {
        ranPart = true
        if (takeMarker()) process.exit(7)
      }
      return run(...args)
    },
    speed: (...args: unknown[]) => {
      if (ranPart && takeMarker(process.env.RELY_SPEED_CRASH_MARKER)) process.exit(7)
      return speed(...args)
    },
    fill: (...args: unknown[]) => {
      if (process.env.RELY_FILL_THROWS === '1') throw new Error('fill refused by the test worker')
      return fill(...args)
    },
  })
  return register(methods)
}

// Loaded after the patch above, so its workerpool.worker({ ping, fill, run }) call goes through it.
void import('../../../workers/worker')
