// How both sweep drivers call their caller's listeners: a listener that throws or rejects (a full disk under a
// checkpoint, say) must not take the measurement down with it, and a checkpoint's write ends before the next
// sample is timed.
import { errorLine } from '../../common/one-line'

/** How long the engine waits for a checkpoint write before the next sample; a stuck disk must not stop a sweep. */
export const LISTENER_WAIT_MS = 10_000
/** How long the host waits for its parent to handle its events (a little past the parent's LISTENER_WAIT_MS). */
const DELIVERY_WAIT_MS = LISTENER_WAIT_MS + 5_000

/**
 * Calls a listener that may answer a promise (a checkpoint's write) and waits for it, at most LISTENER_WAIT_MS;
 * a listener that throws or rejects must not take the measurement down with it.
 */
export async function settle<T>(listener: (value: T) => void | Promise<void>, value: T): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    const answer = listener(value)
    if (answer instanceof Promise) {
      await Promise.race([
        answer,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, LISTENER_WAIT_MS)
        }),
      ])
    }
  } catch (err) {
    console.error(`amdahl engine: a listener failed: ${errorLine(err)}`)
  } finally {
    clearTimeout(timer)
  }
}

/** Calls a listener whose answer nobody waits for (progress); one that throws is said and forgotten. */
export function notify<T>(listener: ((value: T) => void) | undefined, value: T): void {
  try {
    listener?.(value)
  } catch (err) {
    console.error(`amdahl engine: a listener failed: ${errorLine(err)}`)
  }
}

/**
 * Events sent to listeners in another process (the engine host's parent), counted until that process says it has
 * handled each. The engine waits for `handled()` before every timed sample, so the parent's work on our events (a
 * checkpoint's write, the progress it passes on) never runs while a sample is timed on the same cores.
 */
export class Deliveries {
  private outstanding = 0
  private waiters: (() => void)[] = []
  /** Set once the parent let DELIVERY_WAIT_MS pass: samples stop waiting for it for the rest of the job. */
  private gaveUp = false

  sent(): void {
    this.outstanding++
  }

  acked(): void {
    if (this.outstanding > 0) this.outstanding--
    if (this.outstanding === 0) this.wake()
  }

  /**
   * Resolves once every event sent so far is handled, or at once after the parent has stalled one wait. The wait
   * is longer than the parent's own for a checkpoint (settle, LISTENER_WAIT_MS): a slow disk is the parent's to
   * give up on, and only a parent that answers nothing at all ends the waiting. A cancel ends it at once.
   */
  handled(signal?: AbortSignal): Promise<void> {
    if (this.outstanding === 0 || this.gaveUp || signal?.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(() => {
        this.gaveUp = true
        console.error(
          `amdahl engine: the parent left events unhandled for ${DELIVERY_WAIT_MS / 1000} s; samples no longer wait for it`,
        )
        this.wake()
      }, DELIVERY_WAIT_MS)
      signal?.addEventListener('abort', done, { once: true })
      this.waiters.push(done)
    })
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }
}
