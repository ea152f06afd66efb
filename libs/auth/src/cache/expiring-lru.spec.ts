import { ExpiringLru } from './expiring-lru.js';

describe('ExpiringLru', () => {
  it('drops the least recently used entry when full', () => {
    const cache = new ExpiringLru<string, number>(2);
    cache.set('a', 1, 10_000);
    cache.set('b', 2, 10_000);
    expect(cache.get('a', 0)).toBe(1); // a is now the most recent
    cache.set('c', 3, 10_000);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)).toBe(1);
    expect(cache.get('c', 0)).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('never returns an entry at or after its expiry, and forgets it', () => {
    const cache = new ExpiringLru<string, number>(10);
    cache.set('token', 1, 1_000);
    expect(cache.get('token', 999)).toBe(1);
    expect(cache.get('token', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('replaces an entry set again, with its new expiry', () => {
    const cache = new ExpiringLru<string, number>(10);
    cache.set('k', 1, 1_000);
    cache.set('k', 2, 5_000);
    expect(cache.get('k', 2_000)).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('deletes the entries a predicate matches, and only those', () => {
    const cache = new ExpiringLru<string, { userId: string }>(10);
    cache.set('s1', { userId: 'u1' }, 10_000);
    cache.set('s2', { userId: 'u2' }, 10_000);
    cache.set('s3', { userId: 'u1' }, 10_000);
    cache.deleteWhere((value) => value.userId === 'u1');
    expect(cache.get('s1', 0)).toBeUndefined();
    expect(cache.get('s3', 0)).toBeUndefined();
    expect(cache.get('s2', 0)).toEqual({ userId: 'u2' });
  });
});
