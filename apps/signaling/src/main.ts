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
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' || config.host === '127.0.0.1' ? 'localhost' : config.host;
  console.log(`meshmeet is running at http://${shownHost}:${port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
