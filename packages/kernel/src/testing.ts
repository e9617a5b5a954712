// Test and benchmark helpers: `@platform/kernel/testing`, never loaded by services.

/** Counts statements: `const c = new StatementCounter(); createDatabase({ onQuery: c.record })`. */
export class StatementCounter {
  count = 0;
  readonly statements: string[] = [];
  readonly record = (sql: string): void => {
    this.count += 1;
    if (this.statements.length < 1000) this.statements.push(sql);
  };
  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }
}
