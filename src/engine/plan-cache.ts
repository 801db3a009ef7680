import type { Plan } from '../../workflows/plan';
import type { SyncPlan } from '../../workflows/sync-plan';
import type { RecipeStore } from '../store/recipes';
import type { SyncStore } from '../store/syncs';

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

/**
 * Enabled plans (recipes, and syncs when given their store), read from the store at most once per
 * `ttlMs` per process (so API replicas see changes within that window) and immediately after a
 * change made by this process.
 */
export class PlanCache {
  private cached: Cached<Plan[]> | undefined;
  private cachedSyncs: Cached<SyncPlan[]> | undefined;

  constructor(
    private readonly recipes: RecipeStore,
    private readonly ttlMs = 1_000,
    private readonly syncs?: Pick<SyncStore, 'list'>,
  ) {}

  enabledPlans(now = Date.now()): Promise<Plan[]> {
    if (!this.cached || now - this.cached.at > this.ttlMs) this.cached = this.read(now, () => this.recipes.listEnabled<Plan>().then((rows) => rows.map((r) => r.plan)), () => (this.cached = undefined));
    return this.cached.value;
  }

  /** Enabled sync plans (none without a sync store): inbound events feed the realtime ones. */
  enabledSyncs(now = Date.now()): Promise<SyncPlan[]> {
    const syncs = this.syncs;
    if (!syncs) return Promise.resolve([]);
    if (!this.cachedSyncs || now - this.cachedSyncs.at > this.ttlMs) {
      this.cachedSyncs = this.read(now, () => syncs.list<SyncPlan>().then((rows) => rows.filter((r) => r.enabled).map((r) => r.plan)), () => (this.cachedSyncs = undefined));
    }
    return this.cachedSyncs.value;
  }

  invalidate(): void {
    this.cached = undefined;
    this.cachedSyncs = undefined;
  }

  private read<T>(now: number, load: () => Promise<T>, forget: () => void): Cached<T> {
    const value = load();
    value.catch(forget);
    return { at: now, value };
  }
}
