import { RateLimitReport } from './rate-limit.js';

describe('RateLimitReport', () => {
  const state = (policy: string, remaining: number) => ({
    policy,
    limit: 10,
    windowSeconds: 60,
    remaining,
    resetSeconds: 30,
  });

  it('announces the limit with the fewest requests left, a later report of a policy replacing the earlier', () => {
    const report = new RateLimitReport();
    expect(report.current).toBeUndefined();
    report.report(state('sign-in', 4));
    report.report(state('second-factor', 7));
    expect(report.current).toEqual(state('sign-in', 4));
    // The password was right after all: sign-in is refunded, the code's allowance is now the tighter.
    report.report(state('sign-in', 9));
    expect(report.current).toEqual(state('second-factor', 7));
  });
});
