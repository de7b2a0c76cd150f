// Build of `npm run bench`, a dev script kept out of the packaged app: the bench and the worker it drives, as
// CommonJS in out/bench/ (the engine finds worker.js beside the bench bundle), dependencies from node_modules.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import { watPlugin } from '../vite-plugin-wat'

const root = resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
}
const deps = Object.keys(pkg.dependencies)

export default defineConfig({
  root,
  logLevel: 'warn',
  plugins: [watPlugin()],
  build: {
    ssr: true,
    outDir: resolve(root, 'out/bench'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: {
      input: {
        bench: resolve(root, 'scripts/bench/index.ts'),
        'history-scale': resolve(root, 'scripts/bench/history-scale.ts'),
        worker: resolve(root, 'workers/worker.ts'),
      },
      output: { format: 'cjs', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      external: [/^node:/, ...deps.map((d) => new RegExp(`^${d}(/|$)`))],
    },
  },
})
