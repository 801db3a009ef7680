import type { Plan } from '../../workflows/plan';
import type { RecipeStore } from '../store/recipes';

/**
 * Enabled plans, read from the store at most once per `ttlMs` per process (so API replicas see
 * recipe changes within that window) and immediately after a change made by this process.
 */
export class PlanCache {
  private cached: { at: number; plans: Promise<Plan[]> } | undefined;

  constructor(
    private readonly recipes: RecipeStore,
    private readonly ttlMs = 1_000,
  ) {}

  enabledPlans(now = Date.now()): Promise<Plan[]> {
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const plans = this.recipes.listEnabled<Plan>().then((rows) => rows.map((r) => r.plan));
      plans.catch(() => (this.cached = undefined));
      this.cached = { at: now, plans };
    }
    return this.cached.plans;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
