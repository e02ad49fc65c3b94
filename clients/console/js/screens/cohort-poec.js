// POEC training cohorts (Matching.FormCohorts, docs/batch.md "Cohorts for a POEC"): the cohort screen's
// fields for it, its request, and the view of its result (cohorts by sector and région, left-out people
// and their reasons). Also the data table both views use.
import {h} from '../dom.js';
import {t, enumLabel, number} from '../i18n.js';
import * as api from '../api.js';
import {seg} from '../app.js';
import {splitList, textField, selectField} from '../forms.js';
import {barChart} from '../charts.js';

const OBJECTIVES = ['ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED', 'ASSIGNMENT_OBJECTIVE_MAX_TOTAL_SCORE'];
const REASONS = [['COHORT_LEFT_OUT_REASON_NO_ELIGIBLE_OPENING', 'leftOutNoEligibleOpening'],
  ['COHORT_LEFT_OUT_REASON_COHORT_TOO_SMALL', 'leftOutCohortTooSmall'],
  ['COHORT_LEFT_OUT_REASON_POSITIONS_EXHAUSTED', 'leftOutPositionsExhausted']];
const LISTED = 100;

// A data table whose first cell in each row is the row's header.
export function table(id, caption, head, rows, cls = '') {
  return h('table', {class: `data ${cls}`.trim(), id},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, head.map((k) => h('th', {scope: 'col'}, k)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c, i) => (i === 0 ? h('th', {scope: 'row'}, c) : h('td', {}, c)))))));
}

// The fieldset of the cohort form that runs FormCohorts; `onRun` gets the click event.
export function poecFields(onRun) {
  return h('fieldset', {class: 'poec'}, h('legend', {}, t('poec.title')),
      h('p', {class: 'help', id: 'poec-intro'}, t('poec.intro')),
      h('div', {class: 'poec-fields'},
          textField('p-regions', t('poec.regions'), {name: 'regions', field: 'regions', help: t('poec.regionsHelp')}),
      textField('p-min', t('poec.min'), {name: 'min_cohort_size', field: 'min_cohort_size', type: 'number', min: 1,
        value: '', help: t('poec.sizeHelp')}),
      textField('p-max', t('poec.max'), {name: 'max_cohort_size', field: 'max_cohort_size', type: 'number', min: 1, value: ''}),
      selectField('p-obj', t('cohort.objective'), OBJECTIVES.map((o) => [o, enumLabel(o)]), OBJECTIVES[0],
          {name: 'poec_objective', field: 'objective'})),
      h('div', {class: 'actions'},
          h('button', {type: 'button', id: 'run-poec', onclick: onRun}, t('poec.run'))));
}

export function poecRequest(form) {
  const e = form.elements;
  return {
    regions: splitList(e.regions.value),
    minCohortSize: Number(e.min_cohort_size.value || 0),
    maxCohortSize: Number(e.max_cohort_size.value || 0),
    objective: e.poec_objective.value,
    maxLeftOutListed: 500,
  };
}

function cohortRows(cohorts) {
  return cohorts.map((c, i) => [
    String(i + 1),
    `${c.domaineLabel || c.domaineCode} (${c.domaineCode}) — ${c.regionName || c.regionCode}`,
    String((c.members || []).length),
    (c.openings || []).map((o) => `${o.openingId} (${api.num(o.members)})`).join(', '),
  ]);
}

// `result` is FormCohortsResponse.result, the stream's last message.
export function poecView(result) {
  const r = result || {};
  const cohorts = r.cohorts || [];
  const leftOut = r.leftOut || [];
  const reasonItems = REASONS.map(([k, f]) => ({label: enumLabel(k), value: api.num(r[f])}))
      .map((i) => ({...i, text: String(i.value)}));
  return [
    h('p', {class: 'lead', id: 'poec-summary'}, t('poec.summary', {cohorts: cohorts.length,
      placed: api.num(r.placedCount), total: api.num(r.candidateCount), openings: api.num(r.poecOpeningCount),
      positions: api.num(r.poecPositionCount), groups: api.num(r.groupCount), closed: api.num(r.groupsClosed),
      score: number(api.num(r.totalScore), 1)})),
    r.exact === false ? h('p', {class: 'help'}, t('poec.notExact')) : null,
    h('section', {'aria-labelledby': 'poec-cohorts-title'},
        h('h3', {id: 'poec-cohorts-title'}, t('poec.cohorts', {n: cohorts.length})),
        cohorts.length ? table('poec-cohorts', t('poec.cohortsCaption'),
            [t('poec.number'), t('poec.group'), t('poec.members'), t('poec.openings')], cohortRows(cohorts)) :
          h('p', {id: 'poec-none'}, t('poec.none'))),
    h('section', {'aria-labelledby': 'poec-left-title'},
        h('h3', {id: 'poec-left-title'}, t('cohort.leftList', {n: api.num(r.candidateCount) - api.num(r.placedCount)})),
        h('figure', {class: 'chart-box'}, barChart({title: t('cohort.reasonsTitle'),
          desc: reasonItems.map((i) => `${i.label} ${i.text}`).join(', '), items: reasonItems, labelWidth: 300})),
        table('poec-left-out', t('cohort.leftCaption'), [t('people.id'), t('cohort.reason')],
            leftOut.slice(0, LISTED).map((l) => [h('a', {href: `#/person/-/${seg(l.candidateId)}`}, l.candidateId),
              enumLabel(l.reason)])),
        r.leftOutTruncated || leftOut.length > LISTED ? h('p', {class: 'help'}, t('cohort.firstN', {n: LISTED})) : null),
  ];
}
