/**
 * Caps the requests one subscription has in flight on this worker, so a subscriber that hangs
 * until the 15 s timeout holds at most `perSubscription` activity slots, never all of them.
 */
export class InFlightLimiter {
  private readonly counts = new Map<string, number>();

  constructor(readonly perSubscription: number) {
    if (!Number.isInteger(perSubscription) || perSubscription < 1) throw new Error('perSubscription must be a positive integer');
  }

  tryAcquire(subscriptionId: string): boolean {
    const n = this.counts.get(subscriptionId) ?? 0;
    if (n >= this.perSubscription) return false;
    this.counts.set(subscriptionId, n + 1);
    return true;
  }

  release(subscriptionId: string): void {
    const n = (this.counts.get(subscriptionId) ?? 1) - 1;
    if (n <= 0) this.counts.delete(subscriptionId);
    else this.counts.set(subscriptionId, n);
  }
}
