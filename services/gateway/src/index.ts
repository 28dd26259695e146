export { buildApp, type App, type BuildOptions } from './app.ts';
export { loadConfig, ENV_VARIABLES, type GatewayConfig } from './config.ts';
