import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit';

/** A commit the test completes by hand, recording what each commit wrote. */
function manualCommits() {
  const commits: { items: number[]; finish: (err?: Error) => void }[] = [];
  const commit = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      commits.push({ items, finish: (err) => (err ? reject(err) : resolve(items.map((n) => `r${n}`))) });
    });
  return { commits, commit };
}

const settled = <T>(p: Promise<T>) => {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  p.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
};

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('N appends in one tick share one commit, and each resolves only after it, with its own result', async () => {
    const { commits, commit } = manualCommits();
    const group = new GroupCommit(commit);
    const appends = Array.from({ length: 50 }, (_, i) => settled(group.append(i)));
    await flush();
    expect(commits).toHaveLength(1);
    expect(commits[0]!.items).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await flush();
    expect(appends.some((a) => a.done)).toBe(false);
    commits[0]!.finish();
    await flush();
    expect(appends.map((a) => a.value)).toEqual(Array.from({ length: 50 }, (_, i) => `r${i}`));
  });

  it('appends made while a commit is written wait for, and share, the next one', async () => {
    const { commits, commit } = manualCommits();
    const group = new GroupCommit(commit);
    const first = settled(group.append(1));
    await flush();
    const later = [settled(group.append(2)), settled(group.append(3))];
    await flush();
    expect(commits).toHaveLength(1);
    commits[0]!.finish();
    await flush();
    expect(first.value).toBe('r1');
    expect(later.some((a) => a.done)).toBe(false);
    expect(commits.map((c) => c.items)).toEqual([[1], [2, 3]]);
    commits[1]!.finish();
    await flush();
    expect(later.map((a) => a.value)).toEqual(['r2', 'r3']);
  });

  it('a failed commit rejects every append in it (none may be acknowledged); the next commit is unaffected', async () => {
    const { commits, commit } = manualCommits();
    const group = new GroupCommit(commit);
    const failed = [settled(group.append(1)), settled(group.append(2)), settled(group.append(3))];
    await flush();
    const next = settled(group.append(4));
    commits[0]!.finish(new Error('disk full'));
    await flush();
    expect(failed.map((a) => (a.error as Error | undefined)?.message)).toEqual(['disk full', 'disk full', 'disk full']);
    expect(failed.every((a) => a.value === undefined)).toBe(true);
    expect(next.done).toBe(false);
    commits[1]!.finish();
    await flush();
    expect(next.value).toBe('r4');
  });

  it('a batch holds at most maxBatch appends', async () => {
    const { commits, commit } = manualCommits();
    const group = new GroupCommit(commit, 2);
    const all = [1, 2, 3].map((n) => settled(group.append(n)));
    await flush();
    commits[0]!.finish();
    await flush();
    commits[1]!.finish();
    await flush();
    expect(commits.map((c) => c.items)).toEqual([[1, 2], [3]]);
    expect(all.map((a) => a.value)).toEqual(['r1', 'r2', 'r3']);
  });
});
