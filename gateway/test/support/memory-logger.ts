import type { Logger, LogLevel } from '@platform/kernel';

export interface LogEntry {
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps its entries, so a test can check a cause was logged (and not sent to the client). */
export function memoryLogger(entries: LogEntry[] = [], base: Record<string, unknown> = {}): Logger & { entries: LogEntry[]; text(): string } {
  const write =
    (level: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      entries.push({ level, msg, fields: { ...base, ...fields } });
    };
  return {
    entries,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => memoryLogger(entries, { ...base, ...fields }),
    text: () => entries.map((e) => `${e.level} ${e.msg} ${JSON.stringify(e.fields, errorReplacer)}`).join('\n'),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, cause: value.cause } : value;
}
