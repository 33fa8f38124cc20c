// Waiting for Ctrl-C (SIGINT) or SIGTERM in the commands that run until stopped. Its own
// module so light commands (codec-server, webhook-server) need not load dev.ts's worker packages.

/**
 * Resolves on the first SIGINT or SIGTERM. With `repeated`, later signals call it instead of
 * killing this process: a second Ctrl-C must not leave a half-stopped server behind.
 */
export function untilStopped(repeated?: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    let first = true;
    const stop = (signal: NodeJS.Signals) => {
      if (first) {
        first = false;
        resolveSignal(signal);
      } else repeated?.(signal);
      if (!repeated) {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
