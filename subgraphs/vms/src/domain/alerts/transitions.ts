import type { Logger } from '@platform/kernel';
import type { LoggedAlertTransition } from './alert.ts';

/** In-process reaction to alert transitions (live subscriptions), told after the transaction commits. */
export interface AlertTransitionListener {
  onTransitions(transitions: readonly LoggedAlertTransition[]): Promise<void>;
}

/**
 * Where every alert transition is announced once committed. The outbox is the durable path (other
 * subgraphs, replicas); this is the fast one within the process. A listener's failure is logged and
 * never undoes or delays the others.
 */
export class AlertTransitions {
  private readonly listeners = new Set<AlertTransitionListener>();

  constructor(private readonly logger: Logger) {}

  /** Returns the function that removes the listener again. */
  add(listener: AlertTransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async notify(transitions: readonly LoggedAlertTransition[]): Promise<void> {
    if (transitions.length === 0) return;
    await Promise.all(
      [...this.listeners].map((l) =>
        l.onTransitions(transitions).catch((error: unknown) => this.logger.warn('alert transition listener failed', { error, count: transitions.length })),
      ),
    );
  }
}
