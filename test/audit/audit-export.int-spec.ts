import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AuditQueryService, AuditService } from '#libs/audit';
import { createAuditHarness, userContext, type AuditHarness } from './support.js';

const EVENTS = 100_000;

// A forced collection before each sample measures what the export retains, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('audit export of 100 000 events', () => {
  let h: AuditHarness;
  const org = randomUUID();

  beforeAll(async () => {
    h = await createAuditHarness();
    const audit = h.app.get(AuditService);
    const ctx = userContext(org);
    for (let start = 0; start < EVENTS; start += 2_000) {
      await audit.recordMany(
        ctx,
        Array.from({ length: 2_000 }, (_, i) => ({
          action: 'job.submitted',
          resourceType: 'model',
          resourceId: `m-${(start + i) % 97}`,
          details: { n: start + i, input: 'a'.repeat(200) },
        })),
      );
    }
  }, 240_000);
  afterAll(() => h.close());

  it.each(['jsonl', 'csv'] as const)(
    'streams %s with flat memory (heap growth far below the export size)',
    async (format) => {
      const stream = h.app.get(AuditQueryService).exportStream(org, {}, format);
      gc();
      const baseline = process.memoryUsage();
      let peakHeap = baseline.heapUsed;
      let peakRss = baseline.rss;
      let bytes = 0;
      let lines = 0;
      let nextSample = 0;
      for await (const chunk of stream) {
        const text = String(chunk);
        bytes += Buffer.byteLength(text);
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
        if (lines >= nextSample) {
          nextSample += 5_000;
          // A slow consumer: the producer must wait for it, not pile up batches.
          await new Promise((r) => setTimeout(r, 5));
          gc();
          const now = process.memoryUsage();
          peakHeap = Math.max(peakHeap, now.heapUsed);
          peakRss = Math.max(peakRss, now.rss);
        }
      }
      const heapGrowth = peakHeap - baseline.heapUsed;
      const rssGrowth = peakRss - baseline.rss;
      process.stdout.write(
        `${format}: ${lines} lines, ${(bytes / 2 ** 20).toFixed(1)} MiB streamed, heap growth ` +
          `${(heapGrowth / 2 ** 20).toFixed(1)} MiB, RSS growth ${(rssGrowth / 2 ** 20).toFixed(1)} MiB\n`,
      );
      expect(lines).toBe(format === 'csv' ? EVENTS + 1 : EVENTS);
      expect(bytes).toBeGreaterThan(40 * 2 ** 20);
      // Holding the export would need at least its size; a batch in flight needs a few MiB.
      expect(heapGrowth).toBeLessThan(16 * 2 ** 20);
      expect(rssGrowth).toBeLessThan(bytes / 2);
    },
    120_000,
  );
});
