/** Wakes a sleeping consumer loop when there is work, or after a timeout. */
export class WakeSignal {
  private wake: (() => void) | undefined;

  notify(): void {
    this.wake?.();
  }

  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.wake = done;
    });
  }
}
