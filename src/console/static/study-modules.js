/**
 * Renders the modules of a study document (ClinicalTrials.gov API v2 shape) as readable sections. The
 * modules people read most get their own layout; every other module is rendered generically, field by
 * field, so no part of the record is hidden.
 */
import { h } from './dom.js';
import { formatNumber, label } from './format.js';

/** camelCase key → "Camel case". */
const title = (key) => {
  const words = key
    .replace(/Module$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Any JSON value as nested definition lists and lists. */
export function renderValue(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return value.map((v) => label(v)).join(', ');
    return h(
      'ol',
      {},
      value.map((v) => h('li', {}, renderValue(v))),
    );
  }
  if (typeof value === 'object')
    return h(
      'dl',
      { class: 'facts' },
      Object.entries(value).map(([k, v]) => [h('dt', {}, title(k)), h('dd', {}, renderValue(v))]),
    );
  if (typeof value === 'string' && value.length > 120) return h('div', { class: 'text-block' }, value);
  return label(value);
}

export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

export function eligibility(module) {
  if (!module) return null;
  return [
    facts([
      ['Sex', label(module.sex)],
      ['Minimum age', module.minimumAge],
      ['Maximum age', module.maximumAge],
      ['Age groups', (module.stdAges ?? []).map(label).join(', ')],
      [
        'Healthy volunteers',
        module.healthyVolunteers === undefined
          ? undefined
          : module.healthyVolunteers
            ? 'Accepted'
            : 'Not accepted',
      ],
      ['Study population', module.studyPopulation],
      ['Sampling method', module.samplingMethod && label(module.samplingMethod)],
    ]),
    module.eligibilityCriteria
      ? h('div', { class: 'text-block', id: 'eligibility-criteria' }, module.eligibilityCriteria)
      : null,
  ];
}

export function armsAndInterventions(module) {
  if (!module) return null;
  return [
    h('h3', {}, 'Arms'),
    (module.armGroups ?? []).length
      ? h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Arm', 'Type', 'Description', 'Interventions'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            module.armGroups.map((a) =>
              h(
                'tr',
                {},
                h('td', {}, a.label),
                h('td', {}, label(a.type)),
                h('td', { class: 'text-block' }, a.description ?? ''),
                h('td', {}, (a.interventionNames ?? []).join(', ')),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No arms listed.'),
    h('h3', {}, 'Interventions'),
    (module.interventions ?? []).length
      ? h(
          'ul',
          {},
          module.interventions.map((i) =>
            h(
              'li',
              {},
              h('strong', {}, `${label(i.type)}: ${i.name}`),
              i.otherNames?.length ? ` (also: ${i.otherNames.join(', ')})` : '',
              i.description ? h('div', { class: 'text-block' }, i.description) : null,
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No interventions listed.'),
  ];
}

export function outcomes(module) {
  if (!module) return null;
  const group = (heading, list) =>
    list?.length
      ? [
          h('h3', {}, heading),
          h(
            'ol',
            {},
            list.map((o) =>
              h(
                'li',
                {},
                h('strong', {}, o.measure),
                o.timeFrame ? ` — ${o.timeFrame}` : '',
                o.description ? h('div', { class: 'text-block' }, o.description) : null,
              ),
            ),
          ),
        ]
      : null;
  return [
    group('Primary outcomes', module.primaryOutcomes),
    group('Secondary outcomes', module.secondaryOutcomes),
    group('Other outcomes', module.otherOutcomes),
  ];
}

export function sponsors(module) {
  if (!module) return null;
  return facts([
    [
      'Lead sponsor',
      module.leadSponsor ? `${module.leadSponsor.name} (${label(module.leadSponsor.class)})` : undefined,
    ],
    ['Collaborators', (module.collaborators ?? []).map((c) => `${c.name} (${label(c.class)})`).join('; ')],
    ['Responsible party', module.responsibleParty ? renderValue(module.responsibleParty) : undefined],
  ]);
}

export function locationsTable(sites) {
  if (!sites?.length) return h('p', { class: 'muted' }, 'No sites listed.');
  return h(
    'table',
    { id: 'sites' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Facility', 'City', 'State', 'Country', 'Status'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      sites.map((s) =>
        h(
          'tr',
          {},
          [s.facility, s.city, s.state, s.country, label(s.status)].map((v) => h('td', {}, v ?? '—')),
        ),
      ),
    ),
  );
}

/** A summary of the posted results; each results module in full below it. */
export function resultsSummary(results) {
  if (!results) return h('p', { class: 'muted' }, 'No results posted for this study.');
  const measures = results.outcomeMeasuresModule?.outcomeMeasures ?? [];
  const events = results.adverseEventsModule;
  return [
    facts([
      ['Participant flow groups', results.participantFlowModule?.groups?.length],
      ['Baseline groups', results.baselineCharacteristicsModule?.groups?.length],
      ['Outcome measures', measures.length],
      ['Adverse events time frame', events?.timeFrame],
      ['Adverse event groups', events?.eventGroups?.length],
    ]),
    measures.length
      ? h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Type', 'Outcome measure', 'Time frame', 'Unit'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            measures.map((m) =>
              h(
                'tr',
                {},
                h('td', {}, label(m.type)),
                h('td', {}, m.title),
                h('td', {}, m.timeFrame ?? '—'),
                h('td', {}, m.unitOfMeasure ?? '—'),
              ),
            ),
          ),
        )
      : null,
    events?.eventGroups?.length
      ? h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Group', 'Serious (affected / at risk)', 'Other (affected / at risk)'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            events.eventGroups.map((g) =>
              h(
                'tr',
                {},
                h('td', {}, g.title),
                h('td', {}, `${formatNumber(g.seriousNumAffected)} / ${formatNumber(g.seriousNumAtRisk)}`),
                h('td', {}, `${formatNumber(g.otherNumAffected)} / ${formatNumber(g.otherNumAtRisk)}`),
              ),
            ),
          ),
        )
      : null,
    Object.entries(results).map(([key, module]) =>
      h('details', {}, h('summary', {}, title(key)), renderValue(module)),
    ),
  ];
}

export function meshTerms(derived) {
  const list = (module) => (module?.meshes ?? []).map((m) => `${m.term} (${m.id})`).join('; ');
  const ancestors = (module) => (module?.ancestors ?? []).map((m) => m.term).join('; ');
  return facts([
    ['Condition MeSH terms', list(derived?.conditionBrowseModule) || '—'],
    ['Condition MeSH ancestors', ancestors(derived?.conditionBrowseModule) || '—'],
    ['Intervention MeSH terms', list(derived?.interventionBrowseModule) || '—'],
    ['Intervention MeSH ancestors', ancestors(derived?.interventionBrowseModule) || '—'],
  ]);
}
