/**
 * The study page: every module of one study, its sites on the map, its history since the first sync, and a
 * link to the source record.
 */
import { getJson } from './api.js';
import { byId, fill, h } from './dom.js';
import { formatNumber, label } from './format.js';
import { showFreshness } from './freshness.js';
import { createSiteMap } from './site-map.js';
import { showHistory } from './study-history.js';
import {
  armsAndInterventions,
  eligibility,
  facts,
  locationsTable,
  meshTerms,
  outcomes,
  renderValue,
  resultsSummary,
  sponsors,
} from './study-modules.js';

/** Protocol modules with their own section; the others are listed under "Other protocol modules". */
const OWN_SECTIONS = new Set([
  'eligibilityModule',
  'armsInterventionsModule',
  'outcomesModule',
  'sponsorCollaboratorsModule',
  'contactsLocationsModule',
]);

function section(id, heading, ...content) {
  return h(
    'section',
    { class: 'module', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, heading),
    content,
  );
}

function render(study) {
  const protocol = study.document?.protocolSection ?? {};
  const description = protocol.descriptionModule ?? {};
  const others = Object.entries(protocol).filter(([key]) => !OWN_SECTIONS.has(key));
  const sections = [
    section(
      'overview',
      'Overview',
      facts([
        ['NCT id', study.nctId],
        ['Other ids', [study.orgStudyId, ...study.aliases].filter(Boolean).join(', ')],
        ['Official title', study.officialTitle],
        ['Status', label(study.overallStatus)],
        ['Study type', label(study.studyType)],
        ['Phases', study.phases.map(label).join(', ')],
        [
          'Enrollment',
          study.enrollment === null
            ? undefined
            : `${formatNumber(study.enrollment)} ${study.enrollmentType ? `(${label(study.enrollmentType)})` : ''}`,
        ],
        ['Start', study.startDate],
        ['Primary completion', study.primaryCompletionDate],
        ['Completion', study.completionDate],
        ['First posted', study.studyFirstPostDate],
        ['Last update posted', study.lastUpdatePostDate],
        ['Conditions', study.conditions.join('; ')],
        ['Keywords', study.keywords.join('; ')],
      ]),
      study.briefSummary
        ? [h('h3', {}, 'Brief summary'), h('div', { class: 'text-block' }, study.briefSummary)]
        : null,
      description.detailedDescription
        ? [
            h('h3', {}, 'Detailed description'),
            h('div', { class: 'text-block' }, description.detailedDescription),
          ]
        : null,
    ),
    section('eligibility', 'Eligibility', eligibility(protocol.eligibilityModule)),
    section('arms', 'Arms and interventions', armsAndInterventions(protocol.armsInterventionsModule)),
    section('outcomes', 'Outcomes', outcomes(protocol.outcomesModule)),
    section(
      'locations',
      `Locations (${study.sites.length})`,
      h('div', { id: 'study-map' }),
      locationsTable(study.sites),
      protocol.contactsLocationsModule?.overallOfficials
        ? [h('h3', {}, 'Officials'), renderValue(protocol.contactsLocationsModule.overallOfficials)]
        : null,
    ),
    section('sponsors', 'Sponsors', sponsors(protocol.sponsorCollaboratorsModule)),
    section('results', 'Results summary', resultsSummary(study.document?.resultsSection)),
    section('mesh', 'MeSH terms', meshTerms(study.document?.derivedSection)),
    section('history', 'History', h('div', { id: 'history-body' }, h('p', { class: 'muted' }, 'Loading…'))),
    section(
      'other-modules',
      'Other protocol modules',
      others.map(([key, module]) => h('details', {}, h('summary', {}, key), renderValue(module))),
    ),
    section(
      'raw',
      'Record as received',
      h(
        'details',
        {},
        h('summary', {}, 'The whole JSON document'),
        h('pre', {}, JSON.stringify(study.document, null, 2)),
      ),
    ),
  ];
  fill(
    byId('study'),
    h('h1', {}, study.briefTitle ?? study.nctId),
    study.removedAt
      ? h(
          'p',
          { class: 'notice', role: 'status' },
          `This study was removed from ClinicalTrials.gov on ${study.removedAt}.`,
        )
      : null,
    h(
      'p',
      { class: 'muted' },
      `${study.nctId} · `,
      h('a', { href: `https://clinicaltrials.gov/study/${study.nctId}` }, 'View on ClinicalTrials.gov'),
    ),
    h(
      'nav',
      { class: 'study-toc', 'aria-label': 'Sections' },
      sections.map((s) => h('a', { href: `#${s.id}` }, s.querySelector('h2').textContent)),
    ),
    sections,
  );
  document.title = `${study.nctId} · Clinical Data Searcher`;
  const map = createSiteMap(byId('study-map'), {
    label: `Map of the ${study.sites.length} sites of ${study.nctId}`,
  });
  map.setPoints(
    study.sites.map((s) => ({
      lat: s.lat,
      lon: s.lon,
      label: [s.facility, s.city, s.country].filter(Boolean).join(', '),
    })),
  );
}

const id = new URLSearchParams(location.search).get('id') ?? '';
if (document.referrer.includes('/console/') && !document.referrer.includes('study.html'))
  byId('back-to-search').href = document.referrer;
void showFreshness();
getJson(`/studies/${encodeURIComponent(id)}`)
  .then((study) => {
    render(study);
    return showHistory(study.nctId);
  })
  .catch((error) => fill(byId('study'), h('p', { class: 'error', role: 'alert' }, error.message)));
