import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatRate } from './format';

describe('progress formatting', () => {
  it('sizes in binary units, as the CIFAR page counts them', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1024), formatBytes(700_000), formatBytes(170_052_171), formatBytes(3 * 2 ** 30)]).toEqual([
      '0 B', '1023 B', '1.0 KB', '683.6 KB', '162.2 MB', '3.00 GB',
    ]);
    expect(formatRate(5 * 2 ** 20)).toBe('5.0 MB/s');
  });

  it('durations in s, min and h; unknown as a dash', () => {
    expect([formatDuration(0.4), formatDuration(42), formatDuration(185), formatDuration(3720), formatDuration(null), formatDuration(Infinity)]).toEqual([
      '0 s', '42 s', '3 min 05 s', '1 h 02 min', '—', '—',
    ]);
  });
});
