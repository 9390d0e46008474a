/** Both fixture syncs loaded into `db`, each followed by in-process delivery to the warehouse. */
import { consumeEvents } from '../../src/events/consume-events.ts';
import { outboxTransport } from '../../src/events/outbox-transport.ts';
import { relayOutbox } from '../../src/events/relay-outbox.ts';
import type { Db } from '../../src/store/db.ts';
import { warehouseConsumer } from '../../src/warehouse/apply-study-events.ts';
import { FIRST_SYNC, firstVersion, loadRun, SECOND_SYNC, secondVersion } from '../events/fixture-versions.ts';

export async function deliverFixtureSyncs(db: Db): Promise<void> {
  const transport = outboxTransport(db);
  await loadRun(db, FIRST_SYNC, firstVersion());
  await relayOutbox(db, transport);
  await consumeEvents(db, transport, warehouseConsumer);
  await loadRun(db, SECOND_SYNC, secondVersion(), { snapshot: true });
  await relayOutbox(db, transport);
  await consumeEvents(db, transport, warehouseConsumer);
}
