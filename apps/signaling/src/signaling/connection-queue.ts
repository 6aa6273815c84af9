/**
 * Runs the state changes of one connection (join, resume, leave, disconnect) strictly one after
 * another. Several frames of one connection can arrive in one TCP segment; without this, a `join`
 * and a `resume` could both pass the "not joined yet" check while the other was awaiting the store,
 * leaving one connection holding two participants. A failed task does not stop the ones after it.
 */
export class ConnectionQueue<K extends object> {
  private readonly tails = new WeakMap<K, Promise<unknown>>();
  private pending = 0;
  private readonly idleWaiters: (() => void)[] = [];

  run<T>(key: K, task: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => this.settle(),
      () => this.settle(),
    );
    this.tails.set(key, tail);
    return result;
  }

  /** Resolves once no state change is queued or running on any connection (shutdown, tests). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private settle(): void {
    this.pending -= 1;
    if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
