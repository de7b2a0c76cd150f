// Type of a `.wat` import: the assembled binary, inlined by scripts/vite-plugin-wat.ts.
declare module '*.wat' {
  const bytes: Uint8Array
  export default bytes
}
