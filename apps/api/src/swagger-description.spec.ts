import { describeDuration } from './swagger-description.js';

describe('describeDuration', () => {
  it.each([
    [900, '15 minutes'],
    [60, '1 minute'],
    [3600, '1 hour'],
    [5400, '90 minutes'],
    [14 * 86_400, '14 days'],
    [86_400, '1 day'],
    [90, '90 seconds'],
  ])('%i seconds reads "%s"', (seconds, text) => {
    expect(describeDuration(seconds)).toBe(text);
  });
});
