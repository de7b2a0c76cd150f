// The browser-mode access token: kept in the address's fragment (#token=…) and in sessionStorage for reloads.

const KEY = 'amdahl.token'
const FIELD = 'token'
/** What a token may be: visible ASCII (it goes into an Authorization header), and not a novel. */
const TOKEN_SHAPE = /^[\x21-\x7e]{1,512}$/

interface TokenPlace {
  location: Pick<Location, 'href'>
  history: Pick<History, 'replaceState' | 'state'>
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>
}

/** The fragment's fields as written (a=1&b=2): verbatim, since the view's fields are compared as text. */
const fields = (hash: string): string[] =>
  hash
    .replace(/^#/, '')
    .split('&')
    .filter((part) => part !== '')
const isToken = (part: string): boolean => part === FIELD || part.startsWith(`${FIELD}=`)

/** A token-shaped value, or null: anything else in the address is as good as no token. */
function shaped(value: string | null | undefined): string | null {
  return typeof value === 'string' && TOKEN_SHAPE.test(value) ? value : null
}

/** The token in a fragment such as #token=…&runs=…, or null. */
export function tokenInHash(hash: string): string | null {
  const part = fields(hash).find(isToken)
  if (part === undefined) return null
  try {
    return shaped(decodeURIComponent(part.slice(FIELD.length + 1)))
  } catch {
    return null // a broken %-escape
  }
}

/** The fragment with this token first and every other field (the view's) as it was. */
export function hashWithToken(hash: string, token: string): string {
  const others = fields(hash).filter((part) => !isToken(part))
  return `#${[`${FIELD}=${encodeURIComponent(token)}`, ...others].join('&')}`
}

/**
 * The token `amdahl serve` put in the address it printed. It stays in the address bar's fragment, so an
 * address copied from the bar opens the app in another tab or browser; a fragment is never sent to the
 * server, so it stays out of request lines, logs and Referer headers. An old ?token= moves into the fragment.
 * sessionStorage keeps it for reloads of this tab, and puts it back into the fragment when an address without
 * it was opened here.
 */
export function takeToken(place: TokenPlace = window): string | null {
  const url = new URL(place.location.href)
  const fromQuery = shaped(url.searchParams.get(FIELD))
  const token = tokenInHash(url.hash) ?? fromQuery ?? shaped(place.sessionStorage.getItem(KEY))
  if (token === null) return null
  place.sessionStorage.setItem(KEY, token)
  const before = url.pathname + url.search + url.hash
  if (url.searchParams.has(FIELD)) url.searchParams.delete(FIELD) // deleting re-encodes what is left
  const after = url.pathname + url.search + hashWithToken(url.hash, token)
  if (after !== before) place.history.replaceState(place.history.state, '', after)
  return token
}

interface HashPlace {
  location: Pick<Location, 'hash' | 'reload'>
  addEventListener(type: 'hashchange', listener: () => void): void
}

/**
 * An address with another token pasted into this tab changes only the fragment, which reloads nothing: the
 * page would go on with the token it has (the old server's). Reloading starts it over with the new one.
 */
export function reloadOnNewToken(held: string | null, place: HashPlace = window): void {
  place.addEventListener('hashchange', () => {
    const now = tokenInHash(place.location.hash)
    if (now !== null && now !== held) place.location.reload()
  })
}
