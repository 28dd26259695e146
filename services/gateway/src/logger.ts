// The gateway's log: JSON lines (pino) in production and wherever stdout is not a terminal (a collector
// reads them); readable, coloured lines (pino-pretty) for a developer at a terminal (LOG_PRETTY to force
// either). Never credentials or personal data (redaction below).
import type { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { GatewayConfig } from './config.ts';
import { clusterWorker } from './cluster.ts';

function processBindings(): { process?: number; pid?: number } {
  const worker = clusterWorker();
  return worker ? { process: worker.slot, pid: worker.pid } : {};
}

export function createLogger(config: Pick<GatewayConfig, 'logLevel' | 'logPretty'>, destination?: Writable): Logger {
  const options = {
    level: config.logLevel,
    // One of several gateway processes (cluster.ts): which one, on every line.
    base: { service: 'jiedai-gateway', ...processBindings() },
    // Never log credentials or personal data that may sit in a request.
    redact: { paths: ['*.authorization', '*.password', '*.token', '*.email', 'req.headers.cookie'], censor: '[redacted]' },
  };
  if (!config.logPretty) return destination ? pino(options, destination) : pino(options);
  // In this thread (no worker): it is for development, and a test can read what it writes.
  const stream = pretty({
    colorize: !destination && process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'hostname,service',
    singleLine: true,
    sync: true,
    ...(destination ? { destination } : {}),
  });
  return pino(options, stream);
}
