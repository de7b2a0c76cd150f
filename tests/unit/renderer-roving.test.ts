// The roving row (lib/roving.ts): where the arrow keys, Home and End move the focus along a row of controls.
import { describe, expect, it } from 'vitest'
import { rovingTarget } from '../../renderer/src/lib/roving'

const key = (k: string, mods: Partial<Record<'altKey' | 'ctrlKey' | 'metaKey', boolean>> = {}) => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...mods,
})

describe('rovingTarget', () => {
  it('moves right and left around the ends, and Home and End to them', () => {
    expect(rovingTarget(key('ArrowRight'), 0, 3)).toBe(1)
    expect(rovingTarget(key('ArrowRight'), 2, 3)).toBe(0)
    expect(rovingTarget(key('ArrowLeft'), 0, 3)).toBe(2)
    expect(rovingTarget(key('ArrowLeft'), 2, 3)).toBe(1)
    expect(rovingTarget(key('Home'), 2, 3)).toBe(0)
    expect(rovingTarget(key('End'), 0, 3)).toBe(2)
  })

  it('leaves other keys, keys held with a modifier, and an empty row to the page', () => {
    expect(rovingTarget(key('Enter'), 0, 3)).toBeNull()
    expect(rovingTarget(key('ArrowDown'), 0, 3)).toBeNull()
    expect(rovingTarget(key('ArrowRight', { altKey: true }), 0, 3)).toBeNull()
    expect(rovingTarget(key('Home', { ctrlKey: true }), 1, 3)).toBeNull()
    expect(rovingTarget(key('End', { metaKey: true }), 1, 3)).toBeNull()
    expect(rovingTarget(key('ArrowRight'), 0, 0)).toBeNull()
  })
})
