/**
 * The warehouse's event consumer: study events become SCD Type 2 rows in the star schema
 * (migrations/000006_warehouse.sql). This is the only writer of the warehouse; the loader never touches it.
 *
 * - created / updated: the study's current dim_study row (if any) is closed at the event's occurredAt
 *   (valid_to, is_current = false, 'superseded'), a new current row opens with the version's tracked
 *   attributes, and its fact row and bridge rows (conditions, countries) are written, adding any missing
 *   sponsor, condition, country and date to their dimensions.
 * - removed: the current row is closed with the removal's reason; no row opens.
 *
 * Idempotent: the outbox seq of the last event applied is kept per study (study_event_positions), and an
 * event at or below it changes nothing. Every value comes from the event, none from the consumer's clock,
 * so a consumer that catches up late writes the same rows as one that never stopped.
 *
 * Set-based: a batch of events costs about ten statements, not ten per event (the first sync delivers one
 * event per study of the registry: ~606,000). A batch holding several events of one study is applied in
 * rounds, one event per study per round, in the study's order.
 */
import type { StudyDocument } from '../domain/study-document.ts';
import { CdsError } from '../errors.ts';
import type { EventConsumer } from '../events/consume-events.ts';
import type { StudyEvent } from '../events/study-event.ts';
import type { Queryable } from '../store/db.ts';
import {
  dateKey,
  ensureDates,
  insertConditionBridges,
  insertCountryBridges,
  sponsorKeyOf,
  sponsorKeys,
} from './warehouse-dimensions.ts';

export const WAREHOUSE_CONSUMER = 'warehouse';

export const warehouseConsumer: EventConsumer = { name: WAREHOUSE_CONSUMER, apply: applyStudyEvents };

/** Applies `events` (in their order) in `tx`; returns how many changed the warehouse (the rest were seen). */
export async function applyStudyEvents(tx: Queryable, events: readonly StudyEvent[]): Promise<number> {
  let applied = 0;
  for (const round of rounds(events)) applied += await applyRound(tx, round);
  return applied;
}

/** Round i holds the i-th event of each study, so no study appears twice in one set-based statement. */
function rounds(events: readonly StudyEvent[]): StudyEvent[][] {
  const out: StudyEvent[][] = [];
  const count = new Map<string, number>();
  for (const event of events) {
    const i = count.get(event.nctId) ?? 0;
    count.set(event.nctId, i + 1);
    if (i === out.length) out.push([]);
    out[i]!.push(event);
  }
  return out;
}

interface Opening {
  event: StudyEvent;
  study: StudyDocument;
}

async function applyRound(tx: Queryable, round: readonly StudyEvent[]): Promise<number> {
  const claimed = await claimEvents(tx, round);
  const events = round.filter((e) => claimed.has(e.nctId));
  if (events.length === 0) return 0;
  await closeCurrentRows(tx, events);
  const openings: Opening[] = [];
  for (const event of events) {
    if (event.type === 'study.removed') continue;
    if (event.study === null)
      throw new CdsError('BAD_INPUT', `Event ${event.id} (${event.type}) carries no study document.`, {
        context: { eventId: event.id, nctId: event.nctId },
      });
    openings.push({ event, study: event.study });
  }
  if (openings.length > 0) await openRows(tx, openings);
  return events.length;
}

/**
 * Records each event as its study's last applied one, unless the study has that one or a later one
 * already. Returns the studies whose event is new.
 */
async function claimEvents(tx: Queryable, events: readonly StudyEvent[]): Promise<Set<string>> {
  const { rows } = await tx.query<{ nct_id: string }>(
    `insert into warehouse.study_event_positions (nct_id, last_seq)
     select * from unnest($1::text[], $2::bigint[])
     on conflict (nct_id) do update set last_seq = excluded.last_seq
     where warehouse.study_event_positions.last_seq < excluded.last_seq
     returning nct_id`,
    [events.map((e) => e.nctId), events.map((e) => e.seq)],
  );
  return new Set(rows.map((r) => r.nct_id));
}

async function closeCurrentRows(tx: Queryable, events: readonly StudyEvent[]): Promise<void> {
  await tx.query(
    `update warehouse.dim_study d
     set valid_to = u.at, is_current = false, closed_reason = u.reason, closed_by_event = u.event_id
     from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) as u(nct_id, at, reason, event_id)
     where d.nct_id = u.nct_id and d.is_current`,
    [
      events.map((e) => e.nctId),
      events.map((e) => e.occurredAt),
      events.map((e) =>
        e.type === 'study.removed' ? (e.removal?.reason ?? 'missing_from_snapshot') : 'superseded',
      ),
      events.map((e) => e.id),
    ],
  );
}

/** Opens the new current rows with their facts and bridges. */
async function openRows(tx: Queryable, openings: readonly Opening[]): Promise<void> {
  const day = (o: Opening) => o.event.occurredAt.slice(0, 10);
  const start = (o: Opening) => o.study.dates.start?.date ?? null;
  const completion = (o: Opening) => o.study.dates.completion?.date ?? null;
  await ensureDates(
    tx,
    openings.flatMap((o) => [day(o), start(o), completion(o)]),
  );
  const sponsors = await sponsorKeys(
    tx,
    openings.flatMap((o) => (o.study.sponsors.lead ? [o.study.sponsors.lead] : [])),
  );

  const { rows } = await tx.query<{ study_key: number; opened_by_event: string }>(
    `insert into warehouse.dim_study (nct_id, version, registry, valid_from, valid_to, is_current,
       brief_title, overall_status, phases, study_type, enrollment, enrollment_type, start_date,
       primary_completion_date, completion_date, first_posted, results_first_posted, last_update_posted,
       lead_sponsor, lead_sponsor_class, site_count, country_count, has_results, changes, restored,
       opened_by_event)
     select u.nct_id, u.version, u.registry, u.valid_from, null, true,
       u.brief_title, u.overall_status, array(select jsonb_array_elements_text(u.phases::jsonb)), u.study_type,
       u.enrollment, u.enrollment_type, u.start_date, u.primary_completion_date, u.completion_date,
       u.first_posted, u.results_first_posted, u.last_update_posted, u.lead_sponsor, u.lead_sponsor_class,
       u.site_count, u.country_count, u.has_results, u.changes::jsonb, u.restored, u.opened_by_event
     from unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[],
                 $8::text[], $9::int[], $10::text[], $11::date[], $12::date[], $13::date[], $14::date[],
                 $15::date[], $16::date[], $17::text[], $18::text[], $19::int[], $20::int[], $21::boolean[],
                 $22::text[], $23::boolean[], $24::text[])
       as u(nct_id, version, registry, valid_from, brief_title, overall_status, phases, study_type,
            enrollment, enrollment_type, start_date, primary_completion_date, completion_date, first_posted,
            results_first_posted, last_update_posted, lead_sponsor, lead_sponsor_class, site_count,
            country_count, has_results, changes, restored, opened_by_event)
     returning study_key, opened_by_event`,
    [
      openings.map((o) => o.event.nctId),
      openings.map((o) => o.event.version),
      openings.map((o) => o.study.registry),
      openings.map((o) => o.event.occurredAt),
      openings.map((o) => o.study.titles.brief),
      openings.map((o) => o.study.status.overall),
      openings.map((o) => JSON.stringify(o.study.design.phases)),
      openings.map((o) => o.study.design.studyType),
      openings.map((o) => o.study.enrollment.count),
      openings.map((o) => o.study.enrollment.type),
      openings.map(start),
      openings.map((o) => o.study.dates.primaryCompletion?.date ?? null),
      openings.map(completion),
      openings.map((o) => o.study.dates.firstPosted),
      openings.map((o) => o.study.dates.resultsFirstPosted),
      openings.map((o) => o.study.dates.lastUpdatePosted),
      openings.map((o) => o.study.sponsors.lead?.name ?? null),
      openings.map((o) => o.study.sponsors.lead?.class ?? null),
      openings.map((o) => o.study.sites.length),
      openings.map((o) => o.study.countries.length),
      openings.map((o) => o.study.results.hasResults),
      openings.map((o) => JSON.stringify(o.event.changes)),
      openings.map((o) => o.event.restored),
      openings.map((o) => o.event.id),
    ],
  );
  const keyOf = new Map(rows.map((r) => [r.opened_by_event, Number(r.study_key)]));
  const versions = openings.map((o) => ({ studyKey: keyOf.get(o.event.id)!, study: o.study }));

  await tx.query(
    `insert into warehouse.fact_study_version (study_key, sponsor_key, valid_from_date_key, start_date_key,
       completion_date_key, enrollment, site_count, country_count, condition_count)
     select * from unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[],
                          $8::int[], $9::int[])`,
    [
      versions.map((v) => v.studyKey),
      openings.map((o) => sponsorKeyOf(sponsors, o.study.sponsors.lead)),
      openings.map((o) => dateKey(day(o))),
      openings.map((o) => dateKey(start(o))),
      openings.map((o) => dateKey(completion(o))),
      openings.map((o) => o.study.enrollment.count),
      openings.map((o) => o.study.sites.length),
      openings.map((o) => o.study.countries.length),
      openings.map((o) => o.study.conditions.listed.length),
    ],
  );
  await insertConditionBridges(tx, versions);
  await insertCountryBridges(tx, versions);
}
