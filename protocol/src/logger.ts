/**
 * The one logger of Osprey's processes (server, runner, `osprey dev`, `osprey run`): pino, writing
 * to stderr (stdout belongs to what a command prints), with secret redaction in one place.
 *
 * Redaction: every line pino serializes passes through the process's `logSecrets` masker before it
 * is written (`hooks.streamWrite`), so a secret registered there cannot reach a log line whatever
 * field or message it hides in; fields named like credentials (`token`, `password`, an
 * `authorization` header, ...) are censored by pino's `redact` even before they are registered.
 * It lives next to the masker because app and runners both log and must not import each other.
 *
 * Format: `OSPREY_LOG_FORMAT=json` one JSON object a line (for log collectors), `pretty` one
 * human-readable line (pino-pretty, synchronous, no worker thread); by default pretty when stderr
 * is a terminal, JSON otherwise. `OSPREY_LOG_LEVEL` (default `info`) sets the level.
 */
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import pinoPretty from 'pino-pretty';
import { SecretMasker } from './masking.ts';

export type { Logger } from 'pino';

/** The secrets of this process: server credentials and every secret value resolved so far. */
export const logSecrets = new SecretMasker();

/** Field paths censored whatever their value (pino `redact` syntax). */
export const REDACTED_PATHS = [
  'token',
  'password',
  'secret',
  'apiToken',
  'runnerToken',
  'privateKey',
  'webhookSecret',
  'authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerSettings {
  /** The component, printed with every line (`server`, `runner`, `triggers`, ...). */
  name: string;
  level?: string;
  format?: LogFormat;
  /** Where lines go (default: stderr). Tests pass a stream to read them. */
  destination?: DestinationStream;
  /** The masker applied to every line (default: the process's `logSecrets`). */
  masker?: SecretMasker;
}

/** Builds a logger; most code takes a child of `rootLogger` instead. */
export function createLogger(settings: LoggerSettings): Logger {
  const env = process.env;
  const masker = settings.masker ?? logSecrets;
  const format = settings.format ?? logFormat(env['OSPREY_LOG_FORMAT']);
  const options: LoggerOptions = {
    name: settings.name,
    level: settings.level ?? (env['OSPREY_LOG_LEVEL'] || 'info'),
    redact: { paths: REDACTED_PATHS, censor: '******' },
    hooks: { streamWrite: (line) => masker.mask(line) },
  };
  const target = settings.destination ?? pino.destination({ dest: 2, sync: true });
  const destination =
    format === 'pretty'
      ? pinoPretty({
          sync: true,
          destination: target,
          ignore: 'pid,hostname,name,component',
          messageFormat: '{if component}{component}: {end}{msg}',
          translateTime: 'SYS:HH:MM:ss.l',
          colorize: settings.destination === undefined && process.stderr.isTTY,
        })
      : target;
  return pino(options, destination);
}

function logFormat(text: string | undefined): LogFormat {
  if (text === 'json' || text === 'pretty') return text;
  return process.stderr.isTTY ? 'pretty' : 'json';
}

let root: Logger | undefined;

/** The process's logger, built on first use. */
export function rootLogger(): Logger {
  root ??= createLogger({ name: 'osprey' });
  return root;
}

/** A child of the process's logger for one component: `logger('triggers').warn(...)`. */
export function logger(component: string): Logger {
  return rootLogger().child({ component });
}
