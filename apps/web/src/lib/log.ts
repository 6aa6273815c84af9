/**
 * A named logger: every line says which layer wrote it and which participant and source it is about,
 * e.g. `meshmeet:peer-link [participant=Ab3… source=screen] could not limit the video`.
 */
export interface LogContext {
  participant?: string;
  source?: string;
}

export interface Logger {
  debug(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
  /** The same logger with more context. */
  with(context: LogContext): Logger;
}

export function createLogger(name: string, context: LogContext = {}): Logger {
  const fields = Object.entries(context)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  const prefix = `meshmeet:${name}${fields ? ` [${fields}]` : ''}`;
  const write = (method: 'debug' | 'warn' | 'error') => (message: string, detail?: unknown) =>
    detail === undefined ? console[method](`${prefix} ${message}`) : console[method](`${prefix} ${message}`, detail);
  return {
    debug: write('debug'),
    warn: write('warn'),
    error: write('error'),
    with: (more) => createLogger(name, { ...context, ...more }),
  };
}
