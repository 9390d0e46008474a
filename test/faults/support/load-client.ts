/**
 * The second process of the sustained-load case: requests the search API at `base` from `concurrency`
 * loops until `durationMs` has passed or `maxRequests` were sent (bounded in time and count), then prints
 * one JSON line: {requests, statuses, networkErrors, p50, p95, p99, maxMs}.
 *
 *   node --import tsx load-client.ts <base url> <durationMs> <maxRequests> <concurrency>
 */
const [base, durationText, maxText, concurrencyText] = process.argv.slice(2);
if (!base) throw new Error('usage: load-client.ts <base url> <durationMs> <maxRequests> <concurrency>');
const durationMs = Number(durationText ?? 5000);
const maxRequests = Number(maxText ?? 1000);
const concurrency = Number(concurrencyText ?? 4);

const PATHS = [
  '/studies?q=cancer&pageSize=20',
  '/studies?condition=diabetes&facets=false',
  '/studies?status=RECRUITING&phase=PHASE2,PHASE3&sort=start_date&order=desc',
  '/studies?q=%22breast+cancer%22+OR+melanoma+-pediatric',
  '/studies?near=40.71,-74.01,100km&sort=distance',
  '/studies?sponsor=university&pageSize=50',
  '/studies/NCT03826992',
  '/studies/NCT99999999',
  '/suggest?q=diab',
  '/suggest?q=fremanezumb',
  '/facets?studyType=INTERVENTIONAL',
  '/studies?q=%27%3B+drop+table+studies%3B+--',
  '/studies?pageSize=abc',
  '/openapi.json',
];

const latencies: number[] = [];
const statuses: Record<string, number> = {};
let networkErrors = 0;
let sent = 0;
const deadline = Date.now() + durationMs;

async function loop(offset: number) {
  for (let i = offset; Date.now() < deadline && sent < maxRequests; i++) {
    sent++;
    const path = PATHS[i % PATHS.length] ?? '/studies';
    const started = performance.now();
    try {
      const response = await fetch(`${base}${path}`);
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    } catch {
      networkErrors++;
    }
    latencies.push(performance.now() - started);
  }
}

await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(i * 3)));
latencies.sort((a, b) => a - b);
const at = (q: number) =>
  Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
process.stdout.write(
  `${JSON.stringify({ requests: latencies.length, statuses, networkErrors, p50: at(0.5), p95: at(0.95), p99: at(0.99), maxMs: at(1) })}\n`,
);
