// The engine host's count of events its parent has not yet handled (listeners.ts Deliveries): samples wait for it,
// and a parent that answers nothing stops the waiting once, with a line, instead of stalling every sample.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Deliveries, LISTENER_WAIT_MS } from '../../main/engine/listeners'

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** Whether a promise has settled after the microtasks queued so far ran. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false
  void promise.then(() => (done = true))
  await vi.advanceTimersByTimeAsync(0)
  return done
}

describe('events handled by the parent before a sample', () => {
  it('answers at once with nothing outstanding, and once every event sent is acknowledged', async () => {
    vi.useFakeTimers()
    const d = new Deliveries()
    expect(await settled(d.handled())).toBe(true)
    d.sent()
    d.sent()
    const waiting = d.handled()
    d.acked()
    expect(await settled(waiting)).toBe(false)
    d.acked()
    expect(await settled(waiting)).toBe(true)
    // An ack with nothing outstanding (a parent's stray one) does not let a later event through unhandled.
    d.acked()
    d.sent()
    expect(await settled(d.handled())).toBe(false)
  })

  it('stops waiting for a parent that answers nothing, after longer than the parent waits for a write', async () => {
    vi.useFakeTimers()
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const d = new Deliveries()
    d.sent()
    const waiting = d.handled()
    await vi.advanceTimersByTimeAsync(LISTENER_WAIT_MS)
    expect(await settled(waiting)).toBe(false)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(await settled(waiting)).toBe(true)
    expect(errors).toHaveBeenCalledTimes(1)
    expect(String(errors.mock.calls[0][0])).toMatch(/left events unhandled for 15 s; samples no longer wait/)
    // From then on the sweep goes on without it.
    d.sent()
    expect(await settled(d.handled())).toBe(true)
  })

  it('ends the wait at once when the sweep is cancelled', async () => {
    vi.useFakeTimers()
    const d = new Deliveries()
    const cancel = new AbortController()
    d.sent()
    const waiting = d.handled(cancel.signal)
    expect(await settled(waiting)).toBe(false)
    cancel.abort()
    expect(await settled(waiting)).toBe(true)
    expect(await settled(d.handled(cancel.signal))).toBe(true)
  })
})
