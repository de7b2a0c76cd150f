// Paths named as the person typed them, in the lines that name them: a file in a folder they gave, or beside
// a file they gave. path.join would normalise what they typed (./runs/a.json reads runs/a.json).
import { basename, sep } from 'node:path'

/** `name` inside the folder typed as `folder`: ./runs and a.json → ./runs/a.json, in the separator typed. */
export function inTypedFolder(folder: string, name: string): string {
  if (/[\\/]$/.test(folder)) return `${folder}${name}`
  const slash = sep === '\\' && !folder.includes('/') ? '\\' : '/'
  return `${folder}${slash}${name}`
}

/** A file named `name` beside the file typed as `file`: ./out/r.svg and r-time.svg → ./out/r-time.svg. */
export function besideTyped(file: string, name: string): string {
  return `${file.slice(0, file.length - basename(file).length)}${name}`
}
