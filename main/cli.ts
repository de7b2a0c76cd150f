// CLI entry (placeholder until the engine lands).
console.log('amdahl')
