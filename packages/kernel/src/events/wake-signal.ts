/** Wakes a sleeping consumer loop when there is work, or after a timeout. */
export class WakeSignal {
  private wake: (() => void) | undefined;

  notify(): void {
    this.wake?.();
  }

  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wake === done) self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}
