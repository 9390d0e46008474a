/**
 * How each dashboard is drawn: its rows (GET /dashboards/{id}) → a Chart.js configuration. Phases and
 * statuses keep one colour and one order on every chart. The numbers themselves are in each dashboard's
 * data table; charts only draw them.
 */
import { label } from './format.js';

const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#1f77b4',
  '#8c564b',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];

const PHASES = ['EARLY_PHASE1', 'PHASE1', 'PHASE2', 'PHASE3', 'PHASE4', 'NA', 'NO_PHASE'];
const STATUSES = [
  'RECRUITING',
  'NOT_YET_RECRUITING',
  'ENROLLING_BY_INVITATION',
  'ACTIVE_NOT_RECRUITING',
  'COMPLETED',
  'SUSPENDED',
  'TERMINATED',
  'WITHDRAWN',
  'UNKNOWN',
  'AVAILABLE',
  'NO_LONGER_AVAILABLE',
  'TEMPORARILY_NOT_AVAILABLE',
  'APPROVED_FOR_MARKETING',
  'WITHHELD',
  'NOT_GIVEN',
];

/** Known values first in their order, then any other in the order met; each with a fixed colour. */
function ordered(values, known) {
  const unique = [...new Set(values)];
  const rank = (v) => (known.includes(v) ? known.indexOf(v) : known.length);
  return unique.sort((a, b) => rank(a) - rank(b));
}
const colourOf = (value, known) =>
  PALETTE[(known.includes(value) ? known.indexOf(value) : known.length) % PALETTE.length];

/** One dataset per series value, one point per x label (0 where a pair has no row). */
function pivot(rows, { x, series, value, labels, seriesOrder }) {
  const keys = ordered(
    rows.map((r) => r[series]),
    seriesOrder,
  );
  const cell = new Map(rows.map((r) => [`${r[x]}\u0000${r[series]}`, r[value]]));
  // Values outside the known order (study types) take colours by their position instead.
  const order = seriesOrder.length ? seriesOrder : keys;
  return keys.map((key) => ({
    label: label(key),
    data: labels.map((l) => cell.get(`${l}\u0000${key}`) ?? 0),
    backgroundColor: colourOf(key, order),
    borderColor: colourOf(key, order),
  }));
}

const stackedScales = (yTitle) => ({
  x: { stacked: true },
  y: { stacked: true, beginAtZero: true, title: { display: true, text: yTitle } },
});

const shorten = (text, max = 42) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function ranking(rows, nameKey, valueLabel) {
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => shorten(r[nameKey])),
      datasets: [{ label: valueLabel, data: rows.map((r) => r.studies), backgroundColor: PALETTE[0] }],
    },
    options: {
      indexAxis: 'y',
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: (items) => rows[items[0].dataIndex][nameKey] } },
      },
      scales: {
        x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: valueLabel } },
      },
    },
  };
}

const CHARTS = {
  'registered-per-year'(rows) {
    const years = rows.map((r) => r.year);
    const labels = [];
    for (let y = Math.min(...years); y <= Math.max(...years); y++) labels.push(y);
    return {
      type: 'bar',
      data: {
        labels,
        datasets: pivot(rows, { x: 'year', series: 'phase', value: 'studies', labels, seriesOrder: PHASES }),
      },
      options: { scales: stackedScales('Studies (first posted that year)') },
    };
  },
  'status-over-time'(rows) {
    const labels = [...new Set(rows.map((r) => r.month))];
    const datasets = pivot(rows, {
      x: 'month',
      series: 'status',
      value: 'studies',
      labels,
      seriesOrder: STATUSES,
    });
    return {
      type: 'line',
      data: {
        labels,
        datasets: datasets.map((d) => ({
          ...d,
          fill: 'stack',
          pointRadius: 2,
          backgroundColor: `${d.borderColor}99`,
        })),
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: stackedScales('Studies at month end'),
      },
    };
  },
  'top-sponsors': (rows) => ranking(rows, 'sponsor', 'Current studies (lead sponsor)'),
  'top-conditions': (rows) => ranking(rows, 'condition', 'Current studies'),
  'enrollment-distribution'(rows) {
    const labels = [...new Set(rows.map((r) => r.label))];
    return {
      type: 'bar',
      data: {
        labels,
        datasets: pivot(rows, {
          x: 'label',
          series: 'study_type',
          value: 'studies',
          labels,
          seriesOrder: [],
        }),
      },
      options: {
        scales: {
          x: { title: { display: true, text: 'Enrollment (participants)' } },
          y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'Studies' } },
        },
      },
    };
  },
  'months-to-primary-completion'(rows) {
    return {
      type: 'bar',
      data: {
        labels: rows.map((r) => label(r.phase)),
        datasets: [
          {
            label: 'Median months',
            data: rows.map((r) => r.median_months),
            backgroundColor: rows.map((r) => colourOf(r.phase, PHASES)),
          },
        ],
      },
      options: {
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { afterLabel: (item) => `over ${rows[item.dataIndex].studies} studies` } },
        },
        scales: {
          y: {
            beginAtZero: true,
            title: { display: true, text: 'Median months, start → primary completion' },
          },
        },
      },
    };
  },
  'completed-with-results'(rows) {
    return {
      type: 'bar',
      data: {
        labels: rows.map((r) => (r.phase === 'ALL' ? 'All completed' : label(r.phase))),
        datasets: [
          {
            label: 'With results (%)',
            data: rows.map((r) => Math.round(r.share * 1000) / 10),
            backgroundColor: rows.map((r) => (r.phase === 'ALL' ? '#1b1f24' : colourOf(r.phase, PHASES))),
          },
        ],
      },
      options: {
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              afterLabel: (item) => {
                const r = rows[item.dataIndex];
                return `${r.with_results} of ${r.completed} completed studies`;
              },
            },
          },
        },
        scales: {
          y: { beginAtZero: true, max: 100, title: { display: true, text: '% with results posted' } },
        },
      },
    };
  },
};

/** The Chart.js configuration of dashboard `id`, or null when it is not drawn as a chart (the map). */
export function chartConfig(id, rows) {
  const make = CHARTS[id];
  if (!make) return null;
  const config = make(rows);
  return {
    ...config,
    options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
  };
}
