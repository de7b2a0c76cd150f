// The main window's size, position and maximized flag, kept in userData/window-state.json between launches.
// No Electron import: index.ts passes the displays' work areas in, so placement is unit-tested in plain Node.
import { readFileSync } from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { makeFolder } from '../history/make-folder'

export const MIN_WIDTH = 720
export const MIN_HEIGHT = 480
const coordinate = z.number().int().min(-100_000).max(100_000)

export const WindowStateSchema = z.strictObject({
  x: coordinate.optional(),
  y: coordinate.optional(),
  width: z.number().int().min(MIN_WIDTH).max(20_000),
  height: z.number().int().min(MIN_HEIGHT).max(20_000),
  maximized: z.boolean(),
})
export type WindowState = z.infer<typeof WindowStateSchema>

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 840, maximized: false }

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** The saved state, or the default when the file is missing, unreadable or not a valid state. */
export function loadWindowState(file: string): WindowState {
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    return parsed.success ? parsed.data : DEFAULT_WINDOW_STATE
  } catch {
    return DEFAULT_WINDOW_STATE
  }
}

/**
 * Written to a temporary file and renamed, so a crash mid-write never leaves half a file. Its folder is made as
 * every folder we keep files in is (makeFolder): Node's recursive mkdir spins for ever under /proc and calls a
 * read-only disk "no such file".
 */
export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  const valid = WindowStateSchema.parse(state)
  await makeFolder(dirname(file))
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, `${JSON.stringify(valid, null, 2)}\n`, 'utf8')
  await rename(temp, file)
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  }
}

/**
 * The state to open with on the current displays: the size shrunk to the largest work area, and the position
 * dropped (the OS centres the window) unless a grabbable part of the title bar is on some display.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  if (workAreas.length === 0) return state
  const maxWidth = Math.max(...workAreas.map((a) => a.width))
  const maxHeight = Math.max(...workAreas.map((a) => a.height))
  const width = Math.max(MIN_WIDTH, Math.min(state.width, maxWidth))
  const height = Math.max(MIN_HEIGHT, Math.min(state.height, maxHeight))
  const { maximized } = state
  if (state.x === undefined || state.y === undefined) return { width, height, maximized }
  const titleBar = { x: state.x, y: state.y, width, height: 40 }
  const visible = workAreas.some((area) => {
    const o = overlap(titleBar, area)
    return o.width >= 100 && o.height >= 20
  })
  return visible ? { x: state.x, y: state.y, width, height, maximized } : { width, height, maximized }
}
