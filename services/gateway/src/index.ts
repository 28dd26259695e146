export { buildApp, type App, type BuildOptions } from './app.ts';
export { loadConfig, type GatewayConfig } from './config.ts';
