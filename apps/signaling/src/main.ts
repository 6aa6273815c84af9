import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/config.schema.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  // A library's rejected promise (e.g. a publish while Redis is briefly down) must not take every call
  // on this instance down with it: log it and keep serving.
  process.on('unhandledRejection', (reason) => console.error('unhandled rejection:', reason));
  // Nest's shutdown hooks close the app on SIGTERM/SIGINT; this bounds how long that may take.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        console.error(`shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`);
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    });
  }
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = ['0.0.0.0', '::', '127.0.0.1'].includes(config.host) ? 'localhost' : config.host;
  console.log(`meshmeet is running at http://${shownHost}:${port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
