import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverAlertWebhooks } from '../../src/alerts/deliver-alert-webhooks.ts';
import { listAlerts } from '../../src/alerts/list-alerts.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

/** A webhook receiver answering with the next status of `statuses` (then 200), recording the bodies. */
async function receiver(statuses: number[]) {
  const bodies: { search: { name: string }; alerts: { id: number; nctId: string }[] }[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      bodies.push(JSON.parse(text));
      response.statusCode = statuses.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, bodies, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('delivering alerts to webhooks with retries', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t?.drop());

  async function searchWithAlerts(name: string, url: string, count: number): Promise<number> {
    const { rows } = await t.db.query<{ id: number }>(
      `insert into saved_searches (name, query, webhook_url) values ($1, '{}', $2) returning id`,
      [name, url],
    );
    const id = Number(rows[0]!.id);
    for (let i = 0; i < count; i++)
      await t.db.query(
        `insert into search_alerts (search_id, kind, nct_id, version, event_id, occurred_at, changes, next_attempt_at)
         values ($1, 'added', $2, 1, $3, now(), '[]', now())`,
        [id, `NCT0000000${i}`, `${name}-event-${i}`],
      );
    return id;
  }

  it('retries after a failed POST and marks the alerts delivered once the receiver accepts them', async () => {
    const hook = await receiver([503]);
    const id = await searchWithAlerts('flaky', hook.url, 3);
    const options = { retryDelayMs: () => 0 };
    expect(await deliverAlertWebhooks(t.db, options)).toEqual({ delivered: 0, retrying: 3, failed: 0 });
    expect(await deliverAlertWebhooks(t.db, options)).toEqual({ delivered: 3, retrying: 0, failed: 0 });
    expect(await deliverAlertWebhooks(t.db, options)).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(hook.bodies).toHaveLength(2);
    expect(hook.bodies[1]).toEqual(hook.bodies[0]);
    expect(hook.bodies[0]!.search.name).toBe('flaky');
    expect(hook.bodies[0]!.alerts.map((a) => a.nctId)).toEqual(['NCT00000000', 'NCT00000001', 'NCT00000002']);
    expect((await listAlerts(t.db, id)).map((a) => a.webhook)).toEqual([
      'delivered',
      'delivered',
      'delivered',
    ]);
    await hook.close();
  });

  it('waits for the retry delay, and gives up after the last attempt, keeping the alerts readable', async () => {
    const hook = await receiver([500, 500, 500]);
    const id = await searchWithAlerts('broken', hook.url, 1);
    expect(await deliverAlertWebhooks(t.db, { maxAttempts: 2 })).toEqual({
      delivered: 0,
      retrying: 1,
      failed: 0,
    });
    // The default delay (1 minute) has not passed: nothing is due.
    expect(await deliverAlertWebhooks(t.db, { maxAttempts: 2 })).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });
    await t.db.query(`update search_alerts set next_attempt_at = now() where search_id = $1`, [id]);
    expect(await deliverAlertWebhooks(t.db, { maxAttempts: 2 })).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 1,
    });
    const [alert] = await listAlerts(t.db, id);
    expect(alert?.webhook).toBe('failed');
    const { rows } = await t.db.query<{ attempts: number; last_error: string }>(
      'select attempts, last_error from search_alerts where search_id = $1',
      [id],
    );
    expect(rows[0]).toEqual({ attempts: 2, last_error: 'HTTP 500' });
    await hook.close();
  });
});
