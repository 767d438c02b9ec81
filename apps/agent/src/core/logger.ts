/**
 * The logging surface the agent needs. A pino logger fits it as is; the default is silent so
 * hundreds of in-process agents (tests, benchmarks) stay quiet unless asked.
 */
export interface AgentLogger {
  debug(bindings: object, message: string): void;
  info(bindings: object, message: string): void;
  warn(bindings: object, message: string): void;
  error(bindings: object, message: string): void;
}

const noop = (): void => {};

export const silentLogger: AgentLogger = { debug: noop, info: noop, warn: noop, error: noop };

/** Adds fixed bindings (e.g. the agent id) to every line without needing `child()`. */
export function withBindings(logger: AgentLogger, fixed: object): AgentLogger {
  return {
    debug: (b, m) => logger.debug({ ...fixed, ...b }, m),
    info: (b, m) => logger.info({ ...fixed, ...b }, m),
    warn: (b, m) => logger.warn({ ...fixed, ...b }, m),
    error: (b, m) => logger.error({ ...fixed, ...b }, m),
  };
}
