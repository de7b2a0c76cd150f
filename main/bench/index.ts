// Benchmark entry (placeholder until the bench lands).
console.log('bench')
