// One-time download links for browser mode: a download the browser itself writes to disk is a plain GET, which
// cannot carry the bearer token, so the page trades an export request (with the token) for a link that works
// once, within a minute, and names nothing but a random ticket.
import { createHash, randomBytes } from 'node:crypto'

/** How long a link works after it is made: the page follows it at once. */
export const LINK_TTL_MS = 60_000
/** Links waiting to be followed at once; making one more forgets the oldest. */
export const MAX_OPEN_LINKS = 16
/** A ticket as made here: 32 random bytes in hex. */
export const TICKET_PATTERN = /^[0-9a-f]{64}$/

/** Kept by digest, so looking a guess up takes time that depends on the guess's digest, never on a ticket. */
const digest = (ticket: string): string => createHash('sha256').update(ticket, 'utf8').digest('hex')

export class ExportLinks<T> {
  private readonly links = new Map<string, { value: T; expires: number }>()

  constructor(
    private readonly ttlMs = LINK_TTL_MS,
    private readonly maxOpen = MAX_OPEN_LINKS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new ticket for `value`. */
  create(value: T): string {
    this.forgetExpired()
    // Oldest first: a Map iterates in insertion order.
    for (const key of this.links.keys()) {
      if (this.links.size < this.maxOpen) break
      this.links.delete(key)
    }
    const ticket = randomBytes(32).toString('hex')
    this.links.set(digest(ticket), { value, expires: this.now() + this.ttlMs })
    return ticket
  }

  /** The value of a ticket that was made here, has not expired and was not taken yet; null otherwise. */
  take(ticket: string): T | null {
    this.forgetExpired()
    if (!TICKET_PATTERN.test(ticket)) return null
    const key = digest(ticket)
    const link = this.links.get(key)
    if (link === undefined) return null
    this.links.delete(key)
    return link.value
  }

  private forgetExpired(): void {
    const now = this.now()
    for (const [key, link] of this.links) if (link.expires <= now) this.links.delete(key)
  }
}
