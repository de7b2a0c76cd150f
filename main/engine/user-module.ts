// The main side of a JS module workload: the module's file found and checked, imported once per run for its
// setup and combine; the workers import the very same URL for its kernel.
import { stat } from 'node:fs/promises'
import vm from 'node:vm'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { MAX_TEMPLATE } from '../../common/contract'
import {
  checkExports,
  loadFailure,
  moduleFileName,
  ModuleError,
  type ModuleRef,
  type UserModule,
} from '../../common/user-module'

/** A path longer than this is no file any system here opens (Linux PATH_MAX). */
const MAX_RESOLVED_PATH = 4096
/** A module whose top level never settles (an await on nothing) must not hold the sweep forever. */
export const MODULE_LOAD_TIMEOUT_MS = 20_000

export interface LoadedModule extends ModuleRef {
  /** The absolute path of the file. */
  file: string
  module: UserModule
}

/**
 * The module's absolute path and URL, or a ModuleError saying in one line why it cannot be one: the schema bounds the
 * text; here the file itself is checked (exists, a regular file, an ES module's extension).
 */
export async function resolveModule(
  given: string,
  cwd = process.cwd(),
): Promise<ModuleRef & { file: string }> {
  const name = moduleFileName(given)
  if (given.includes('\0')) throw new ModuleError('module path contains a NUL byte')
  if (given.length > MAX_TEMPLATE) throw new ModuleError(`module path: at most ${MAX_TEMPLATE} characters`)
  const file = path.resolve(cwd, given)
  if (file.length > MAX_RESOLVED_PATH) throw new ModuleError(`${name}: the path is too long to open`)
  if (!/\.(mjs|js)$/i.test(file)) throw new ModuleError(`${name}: not an ES module file (.mjs or .js)`)
  let info
  try {
    info = await stat(file)
  } catch {
    throw new ModuleError(`${name}: cannot load: no file at ${file}`)
  }
  if (!info.isFile()) throw new ModuleError(`${name}: cannot load: ${file} is not a regular file`)
  // Node caches a module by URL for the life of the process: a file edited since an earlier run of this process
  // (amdahl serve, the app's engine host) gets a URL of its own, so both sides run what is on disk now.
  const url = `${pathToFileURL(file).href}?mtime=${Math.round(info.mtimeMs)}`
  return { file, url, name }
}

// The built engine keeps this a real import() of Node's (tests run it through the test runner's loader instead).
const nativeImport = (url: string) => import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>

/**
 * Finds, imports and checks the module (kernel required; setup and combine optional), within the load timeout and
 * until `signal` aborts. Rejects with a ModuleError in one line naming the file.
 */
export async function loadModule(given: string, signal?: AbortSignal): Promise<LoadedModule> {
  const ref = await resolveModule(given)
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ModuleError(
            `${ref.name}: cannot load: it did not finish loading within ${MODULE_LOAD_TIMEOUT_MS / 1000} s`,
          ),
        ),
      MODULE_LOAD_TIMEOUT_MS,
    )
    onAbort = () => reject(new ModuleError(`${ref.name}: loading cancelled`))
    signal?.addEventListener('abort', onAbort, { once: true })
  })
  try {
    const namespace = await Promise.race([nativeImport(ref.url), stop])
    return { ...ref, module: checkExports(ref.name, namespace) }
  } catch (err) {
    throw loadFailure(ref.name, err)
  } finally {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  }
}

/** What `interruptible` returns when a SIGINT stopped the call. */
export const INTERRUPTED_BY_SIGINT = Symbol('interrupted by SIGINT')

let sigintCall: { script: vm.Script; context: vm.Context } | null = null

/**
 * Runs the user's code on this thread (a module's setup) so that a SIGINT stops it: a setup stuck in a loop never
 * yields to the event loop, where the CLI's Ctrl-C handler and a host's cancel message wait. Node's breakOnSigint
 * ends the call at the signal (our own SIGINT listeners are off meanwhile); the signal is then raised again for
 * them, and INTERRUPTED_BY_SIGINT returned. Only the synchronous part of the call is covered; a promise it
 * returns is awaited as usual. Not for a timed region: the watch costs a little on every call.
 */
export async function interruptible<T>(
  call: () => T | Promise<T>,
): Promise<T | typeof INTERRUPTED_BY_SIGINT> {
  sigintCall ??= { script: new vm.Script('call()'), context: vm.createContext({ call: null }) }
  const { script, context } = sigintCall
  context.call = call
  let result: T | Promise<T>
  try {
    result = script.runInContext(context, { breakOnSigint: true }) as T | Promise<T>
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw err
    process.kill(process.pid, 'SIGINT')
    // Let the re-raised signal reach its listeners (a cancel) before the caller looks at its abort signal.
    await new Promise((resolve) => setTimeout(resolve, 50))
    return INTERRUPTED_BY_SIGINT
  } finally {
    context.call = null
  }
  return await result
}
