// This build's version: what `amdahl --version` prints and what a remote target must match.
export const VERSION = '0.1.0'
