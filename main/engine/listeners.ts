// How both sweep drivers call their caller's listeners: a listener that throws or rejects (a full disk under a
// checkpoint, say) must not take the measurement down with it, and a checkpoint's write ends before the next
// sample is timed.
import { errorLine } from '../../common/one-line'

/** How long the engine waits for a checkpoint write before the next sample; a stuck disk must not stop a sweep. */
export const LISTENER_WAIT_MS = 10_000

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
