process.on('SIGTERM', () => process.exit(0))
await import(process.env.PROF_SERVER!)
