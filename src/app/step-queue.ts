/**
 * The ordering every app policy driver needs: a control step waits for a reset in progress, a reset waits for
 * the step in flight and the reset before it, a failed reset surfaces on the next step, and dispose waits for both.
 */
export class StepQueue {
  /** the control step in flight */
  private inflight: Promise<void> = Promise.resolve();
  /** a reset in progress: the next step waits for it */
  private resetting: Promise<void> = Promise.resolve();
  private resetError: unknown = null;

  /** remember p as the step in flight and hand it back */
  track(p: Promise<void>): Promise<void> {
    this.inflight = p.catch(() => undefined);
    return p;
  }

  /** run fn after the step in flight and after any reset still in progress; its error is thrown by the next ready() */
  reset(fn: () => unknown): void {
    this.resetting = Promise.all([this.inflight, this.resetting])
      .then(async () => {
        await fn();
      })
      .catch((e: unknown) => {
        this.resetError = e;
      });
  }

  /** wait for a reset in progress; throw its error once */
  async ready(): Promise<void> {
    await this.resetting;
    if (this.resetError) {
      const e = this.resetError;
      this.resetError = null;
      throw e instanceof Error ? e : new Error('reset failed');
    }
  }

  /** settles when nothing is in flight */
  idle(): Promise<unknown> {
    return Promise.all([this.inflight, this.resetting]);
  }
}
