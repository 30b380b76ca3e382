import { describe, expect, it } from '@jest/globals';
import { Random } from '../../../src/generator/random.ts';

const draw = (r: Random, n = 20): number[] => Array.from({ length: n }, () => r.next32());

describe('Random', () => {
  it('gives the same numbers for the same seed and different ones for another', () => {
    expect(draw(new Random(42))).toEqual(draw(new Random(42)));
    expect(draw(new Random('42'))).toEqual(draw(new Random(42)));
    expect(draw(new Random(43))).not.toEqual(draw(new Random(42)));
  });

  it('forks streams by name, whatever the parent has drawn', () => {
    const used = new Random(7);
    draw(used, 100);
    expect(draw(used.fork('auth'))).toEqual(draw(new Random(7).fork('auth')));
    expect(draw(new Random(7).fork('auth'))).not.toEqual(draw(new Random(7).fork('proxy')));
  });

  it('keeps helpers in their bounds', () => {
    const r = new Random('bounds');
    for (let i = 0; i < 2000; i++) {
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
      const n = r.int(3, 7);
      expect(n >= 3 && n <= 7 && Number.isInteger(n)).toBe(true);
    }
    const seen = new Set(Array.from({ length: 500 }, () => r.int(0, 3)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    expect(r.sample([1, 2, 3, 4, 5], 3)).toHaveLength(3);
    expect(new Set(r.sample([1, 2, 3, 4, 5], 5)).size).toBe(5);
    expect(() => r.pick([])).toThrow(/no items/);
  });

  it('draws Poisson counts with the right mean', () => {
    const r = new Random('poisson');
    for (const lambda of [0.5, 4, 80]) {
      const n = 4000;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += r.poisson(lambda);
      expect(Math.abs(sum / n - lambda)).toBeLessThan(lambda * 0.1 + 0.05);
    }
    expect(r.poisson(0)).toBe(0);
  });

  it('makes UUID-shaped ids and sorted times inside the interval', () => {
    const r = new Random('ids');
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.upperAlnum(16)).toMatch(/^[A-Z2-7]{16}$/);
    const times = r.times(1000, 2000, 50);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.every((t) => t >= 1000 && t < 2000)).toBe(true);
  });
});
