// A user's JS kernel module inside a worker: imported once per worker from its file: URL, then called per task.
import {
  checkExports,
  loadFailure,
  runKernel,
  type KernelArgs,
  type ModuleRef,
  type UserModule,
} from '../common/user-module'

/** Imports under way or done, by URL: one import per worker, however many tasks and prepares ask for it. */
const loading = new Map<string, Promise<UserModule>>()
/** Modules ready to call without awaiting anything (the hot path of a task). */
const ready = new Map<string, UserModule>()

/** Imports and checks the module (once per URL); rejects with one line naming the file. */
export function loadKernelModule(ref: ModuleRef): Promise<UserModule> {
  let pending = loading.get(ref.url)
  if (!pending) {
    // A real import() of Node's: the worker bundle keeps it, so the user's file is read as Node reads it.
    pending = import(/* @vite-ignore */ ref.url).then(
      (namespace: Record<string, unknown>) => {
        const mod = checkExports(ref.name, namespace)
        ready.set(ref.url, mod)
        return mod
      },
      (err: unknown) => {
        throw loadFailure(ref.name, err)
      },
    )
    loading.set(ref.url, pending)
  }
  return pending
}

/** The module's kernel over one task's rows, timed: at once when the module is loaded, else after loading it. */
export function runModuleTask(
  ref: ModuleRef,
  args: KernelArgs,
): { value: number; kernelMs: number } | Promise<{ value: number; kernelMs: number }> {
  const mod = ready.get(ref.url)
  if (!mod) return loadKernelModule(ref).then(() => runModuleTask(ref, args))
  const t0 = performance.now()
  const value = runKernel(mod, ref.name, args)
  return { value, kernelMs: performance.now() - t0 }
}
