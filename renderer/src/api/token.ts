// The browser-mode access token: taken from ?token= on first load, kept in sessionStorage, removed from the URL.

const KEY = 'amdahl.token'

interface TokenPlace {
  location: Pick<Location, 'href'>
  history: Pick<History, 'replaceState' | 'state'>
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>
}

/**
 * The token `amdahl serve` put in the link it printed. Taken out of the address bar at once so it does not
 * linger in the history, bookmarks or a screenshot; sessionStorage keeps it for reloads of this tab.
 */
export function takeToken(place: TokenPlace = window): string | null {
  const url = new URL(place.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    place.sessionStorage.setItem(KEY, fromUrl)
    url.searchParams.delete('token')
    place.history.replaceState(place.history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return place.sessionStorage.getItem(KEY)
}
