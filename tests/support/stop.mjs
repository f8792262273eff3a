// How a test peer stops: on SIGTERM and SIGINT, and when its stdin closes
// (the test that started it is gone) unless `keepAlive` (run by hand or by
// a script). Shared by federation.mjs, sirene.mjs and data-provider.mjs.

export function stopWith(server, name, keepAlive) {
  function shutdown(why) {
    console.error(`${name}: stopping (${why})`);
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (!keepAlive) {
    process.stdin.on('end', () => shutdown('stdin closed'));
    process.stdin.on('error', () => shutdown('stdin error'));
    process.stdin.resume();
  }
}
