// A user's JS kernel module as both sides see it: its exports checked, every call into it wrapped so that what goes
// wrong reads as one line naming the file and the export ("kernel.mjs: kernel threw: TypeError: …").
// Pure (no Node import): the engine calls setup and combine, the workers call kernel.

/** Where a module lives: its file: URL (what both sides import) and its file name (what every error names). */
export interface ModuleRef {
  url: string
  name: string
}

/** The file name of a module's path, as every line about it names it ("kernel.mjs"). */
export function moduleFileName(path: string): string {
  return path.split(/[\\/]/).pop() || path
}

/** What `kernel` receives: the task's rows (row-major, (rowEnd − rowStart) × n entries). */
export interface KernelArgs {
  rows: Float64Array
  n: number
  rowStart: number
  rowEnd: number
}

/** What `setup` receives: the whole shared matrix (n × n, row-major), already holding Amdahl's seeded fill. */
export interface SetupArgs {
  matrix: Float64Array
  n: number
  seed: number
}

export interface UserModule {
  kernel: (task: KernelArgs) => unknown
  setup?: (input: SetupArgs) => unknown
  combine?: (partials: number[]) => unknown
}

/** The one-line failure of a user module, already worded; the engine passes it on as it is. */
export class ModuleError extends Error {
  override name = 'ModuleError'
}

/** A thrown value in one line, with its kind: "TypeError: x is not a function". */
function thrownLine(err: unknown): string {
  const text =
    err instanceof Error
      ? `${err.name || 'Error'}: ${err.message}`
      : typeof err === 'string'
        ? err
        : `${typeof err} ${String(err)}`
  return (text.split('\n').find((l) => l.trim()) ?? text).trim()
}

/** A value in words for "returned …, not a number": a string, undefined, NaN, an object. */
function valueWords(value: unknown): string {
  if (typeof value === 'number') return String(value)
  if (value === undefined || value === null) return String(value)
  if (typeof value === 'string') return 'a string'
  // An async kernel or combine: they must answer at once, inside the timed region.
  if (value instanceof Promise) return 'a promise (it must return the number itself)'
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object'
  return `a ${typeof value}`
}

/** The module's exports, checked: kernel must be a function; setup and combine, where exported, too. */
export function checkExports(name: string, namespace: Record<string, unknown>): UserModule {
  const { kernel, setup, combine } = namespace
  if (typeof kernel !== 'function') {
    throw new ModuleError(
      kernel === undefined
        ? `${name}: no kernel export (export function kernel({ rows, n, rowStart, rowEnd }) is required)`
        : `${name}: kernel export is ${valueWords(kernel)}, not a function`,
    )
  }
  for (const [what, fn] of [
    ['setup', setup],
    ['combine', combine],
  ] as const) {
    if (fn !== undefined && typeof fn !== 'function')
      throw new ModuleError(`${name}: ${what} export is ${valueWords(fn)}, not a function`)
  }
  return {
    kernel: kernel as UserModule['kernel'],
    ...(setup ? { setup: setup as UserModule['setup'] } : {}),
    ...(combine ? { combine: combine as UserModule['combine'] } : {}),
  }
}

/** Why an import failed, in one line naming the file. */
export function loadFailure(name: string, err: unknown): ModuleError {
  return err instanceof ModuleError ? err : new ModuleError(`${name}: cannot load: ${thrownLine(err)}`)
}

/** Calls one export; a throw becomes "<file>: <export> threw: <error>". */
export function callExport<A>(name: string, what: string, fn: (arg: A) => unknown, arg: A): unknown {
  try {
    return fn(arg)
  } catch (err) {
    throw new ModuleError(`${name}: ${what} threw: ${thrownLine(err)}`)
  }
}

/** A partial or combined result must be a finite number: anything else fails its cell, saying what came back. */
export function finiteResult(name: string, what: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  throw new ModuleError(`${name}: ${what} returned ${valueWords(value)}, not a finite number`)
}

/** One task's partial result. */
export function runKernel(mod: UserModule, name: string, task: KernelArgs): number {
  return finiteResult(name, 'kernel', callExport(name, 'kernel', mod.kernel, task))
}

/** One sample's result from its partials in row order: the module's combine, else their sum. */
export function combinePartials(
  mod: Pick<UserModule, 'combine'>,
  name: string,
  partials: Float64Array,
): number {
  if (!mod.combine) {
    let value = 0
    for (let t = 0; t < partials.length; t++) value += partials[t]
    return value
  }
  return finiteResult(name, 'combine', callExport(name, 'combine', mod.combine, Array.from(partials)))
}

/** Runs setup over the matrix of one size; a promise it returns is awaited. */
export async function runSetup(mod: UserModule, name: string, input: SetupArgs): Promise<void> {
  if (!mod.setup) return
  try {
    await callExport(name, 'setup', mod.setup, input)
  } catch (err) {
    throw err instanceof ModuleError ? err : new ModuleError(`${name}: setup threw: ${thrownLine(err)}`)
  }
}
