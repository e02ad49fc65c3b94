// A cohort: re-rank every person of a filter, or assign them to openings under capacities, and see who
// is placed, who is left out and why, the gain over the greedy baseline and how exposure spreads, as
// charts with their numbers in tables.
import {h, replace} from '../dom.js';
import {t, enumLabel, number, percent} from '../i18n.js';
import * as api from '../api.js';
import {seg, showError, clearError, announce} from '../app.js';
import {CEFR, HOUSING, splitList, textField, selectField, checkField, markFieldError} from '../forms.js';
import {barChart, pairedBars} from '../charts.js';
import {table, poecFields, poecRequest, poecView} from './cohort-poec.js';
import {groupLabel, rank, exposureFields, exposureRequest, rerankExposureView} from './cohort-exposure.js';

const MECHANISMS = ['ASSIGNMENT_MECHANISM_OPTIMAL', 'ASSIGNMENT_MECHANISM_STABLE', 'ASSIGNMENT_MECHANISM_GREEDY'];
// People first is the advised objective for programmes that must fill their places (docs/batch.md).
const OBJECTIVES = ['ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED', 'ASSIGNMENT_OBJECTIVE_MAX_TOTAL_SCORE'];

function scope(form) {
  return {
    departements: splitList(form.elements.departements.value),
    occupations: splitList(form.elements.occupations.value).map((c) => c.toUpperCase()),
  };
}

function assignRequest(form) {
  const e = form.elements;
  const share = Number(e.reserved_share.value || 0);
  const housing = HOUSING.filter((v) => e[`reserve-${v}`].checked);
  const reserveFor = {};
  if (e.french_below.value) reserveFor.frenchBelow = e.french_below.value;
  if (housing.length) reserveFor.housing = housing;
  return {
    ...scope(form),
    mechanism: e.mechanism.value,
    objective: e.objective.value,
    openingsPerCandidate: Number(e.openings_per_candidate.value || 0),
    maxProposalsPerOpening: Number(e.max_proposals_per_opening.value || 0),
    reservedShare: share,
    ...(Object.keys(reserveFor).length ? {reserveFor} : {}),
    maxLeftOutListed: 500,
  };
}

function comparison(r, g) {
  const rows = [
    ['cohort.placed', 'assignedCount'], ['cohort.leftEmpty', 'positionsLeftEmpty'],
    ['cohort.lostCompetition', 'leftOutLostToCompetition'], ['cohort.noEligible', 'leftOutNoEligiblePair'],
    ['cohort.cutCap', 'leftOutCutByCongestionCap'],
  ];
  const groups = rows.map(([k, f]) => ({label: t(k), a: api.num(r[f]), b: api.num(g[f])}));
  const names = [enumLabel(r.mechanism || 'ASSIGNMENT_MECHANISM_OPTIMAL'), enumLabel('ASSIGNMENT_MECHANISM_GREEDY')];
  const words = groups.map((x) => `${x.label}: ${x.a} / ${x.b}`).join('; ');
  const scoreGroups = [{label: t('cohort.totalScore'), a: api.num(r.totalScore), b: api.num(g.totalScore),
    aText: number(api.num(r.totalScore), 1), bText: number(api.num(g.totalScore), 1)}];
  return [
    h('figure', {class: 'chart-box'}, pairedBars({title: t('cohort.compareTitle'), desc: words, groups, names}),
        h('figcaption', {}, t('cohort.compareCaption'))),
    h('figure', {class: 'chart-box'}, pairedBars({title: t('cohort.scoreTitle'),
      desc: `${scoreGroups[0].label}: ${scoreGroups[0].aText} / ${scoreGroups[0].bText}`, groups: scoreGroups, names})),
    table('compare-table', t('cohort.compareTable'), [t('cohort.figure'), names[0], names[1]],
        [...groups.map((x) => [x.label, String(x.a), String(x.b)]),
          [t('cohort.totalScore'), number(api.num(r.totalScore), 2), number(api.num(g.totalScore), 2)],
          [t('cohort.meanScore'), number(api.num(r.meanScore), 3), number(api.num(g.meanScore), 3)]]),
  ];
}

function exposure(r) {
  const spreads = [['cohort.considered', r.considered || {}], ['cohort.proposals', r.proposals || {}],
    ['cohort.assignments', r.assignments || {}]];
  const items = spreads.map(([k, sp]) => ({label: t(k), value: api.num(sp.gini), text: number(api.num(sp.gini), 2)}));
  return [
    h('figure', {class: 'chart-box'}, barChart({title: t('cohort.giniTitle'),
      desc: items.map((i) => `${i.label} ${i.text}`).join(', '), items, max: 1}),
    h('figcaption', {}, t('cohort.giniCaption'))),
    table('exposure-table', t('cohort.exposureTable'),
        [t('cohort.spread'), t('cohort.total'), 'Gini', t('cohort.top1'), t('cohort.maxPer')],
        spreads.map(([k, sp]) => [t(k), String(api.num(sp.total)), number(api.num(sp.gini), 3),
          percent(api.num(sp.top1pctShare), 1), String(api.num(sp.maxPerOpening))])),
  ];
}

// The chosen objective's figures beside the other objective's (same pools and constraints): people
// placed and total score, which one objective trades for the other.
function objectiveView(r, o) {
  if (!o || !o.objective) return [h('p', {id: 'objective-none'}, t('cohort.objectiveNone'))];
  const names = [enumLabel(r.objective), enumLabel(o.objective)];
  const placed = {label: t('cohort.placed'), a: api.num(r.assignedCount), b: api.num(o.assignedCount)};
  const score = {label: t('cohort.totalScore'), a: api.num(r.totalScore), b: api.num(o.totalScore),
    aText: number(api.num(r.totalScore), 1), bText: number(api.num(o.totalScore), 1)};
  return [
    h('figure', {class: 'chart-box'}, pairedBars({title: t('cohort.objectivePlacedTitle'),
      desc: `${placed.label}: ${placed.a} / ${placed.b}`, groups: [placed], names}),
    pairedBars({title: t('cohort.scoreTitle'), desc: `${score.label}: ${score.aText} / ${score.bText}`, groups: [score], names}),
    h('figcaption', {}, t('cohort.objectiveCaption'))),
    table('objective-table', t('cohort.objectiveTable'), [t('cohort.figure'), names[0], names[1]], [
      [placed.label, String(placed.a), String(placed.b)],
      [score.label, number(score.a, 2), number(score.b, 2)],
      [t('cohort.leftEmpty'), String(api.num(r.positionsLeftEmpty)), String(api.num(o.positionsLeftEmpty))]]),
  ];
}

// Placement rate of the reserve_for cohort against everyone else, then for each watched attribute
// (French band, housing, transport mode, département) each group's share of the pool against its share
// of the placements.
function groupsView(r, answer) {
  const inCohort = api.num(r.cohortCandidateCount);
  const out = [];
  if (inCohort > 0) {
    const others = api.num(r.candidateCount) - inCohort;
    const items = [
      {label: t('cohort.groupReserved'), value: api.num(r.cohortAssignedCount) / inCohort},
      {label: t('cohort.groupOthers'), value: others > 0 ? (api.num(r.assignedCount) - api.num(r.cohortAssignedCount)) / others : 0},
    ].map((i) => ({...i, text: percent(i.value, 0)}));
    out.push(h('figure', {class: 'chart-box'}, barChart({title: t('cohort.groupTitle'),
      desc: items.map((i) => `${i.label} ${i.text}`).join(', '), items, max: 1}),
    h('figcaption', {}, t('cohort.groupCaption', {n: inCohort, placed: api.num(r.cohortAssignedCount)}))));
  }
  (answer.placementExposure || []).forEach((x) => out.push(...attributeView(x)));
  return out.length ? out : [h('p', {}, t('cohort.noGroups'))];
}

function attributeView(x) {
  const name = t(`cohort.attr.${x.attribute}`);
  const title = name.charAt(0).toUpperCase() + name.slice(1);
  const groups = [...(x.groups || [])].sort((a, b) => rank(a) - rank(b)).map((g) => ({label: groupLabel(g.group), a: api.num(g.poolShare), b: api.num(g.slotShare),
    aText: percent(api.num(g.poolShare), 0), bText: percent(api.num(g.slotShare), 0), g}));
  const names = [t('cohort.poolShare'), t('cohort.slotShare')];
  const id = `exposure-${x.attribute.replace(/_/g, '-')}`;
  return [
    h('h4', {id: `${id}-title`}, t('cohort.exposureOf', {name: title, pool: api.num(x.poolSize), slots: api.num(x.slots)})),
    groups.length <= 12 ? h('figure', {class: 'chart-box'}, pairedBars({title: t('cohort.exposureChart', {name}),
      desc: groups.map((g) => `${g.label}: ${g.aText} / ${g.bText}`).join('; '), groups, names, max: 1, labelWidth: 180})) : null,
    table(id, t('cohort.exposureChart', {name}), [t('cohort.group'), t('cohort.poolCount'), names[0],
      t('cohort.slotCount'), names[1], t('cohort.ratio')],
    groups.map(({label, g}) => [label, String(api.num(g.poolCount)), percent(api.num(g.poolShare), 1),
      String(api.num(g.slotCount)), percent(api.num(g.slotShare), 1), number(api.num(g.exposureRatio), 2)]), 'group-exposure'),
  ];
}

function assignView(answer) {
  const r = answer.report || {};
  const g = answer.greedyBaseline || {};
  const assignments = answer.assignments || [];
  const leftOut = answer.leftOut || [];
  const gain = api.num(g.totalScore) > 0 ? api.num(r.totalScore) / api.num(g.totalScore) - 1 : 0;
  const reasons = {};
  leftOut.forEach((l) => { reasons[l.reason] = (reasons[l.reason] || 0) + 1; });
  const reasonItems = Object.entries(reasons).map(([k, v]) => ({label: enumLabel(k), value: v, text: String(v)}));
  return [
    h('p', {class: 'lead', id: 'assign-summary'}, t('cohort.summary', {placed: api.num(r.assignedCount),
      total: api.num(r.candidateCount), openings: api.num(answer.openingCount), positions: api.num(r.positionCount),
      greedy: api.num(g.assignedCount), gain: percent(gain, 1)})),
    h('section', {'aria-labelledby': 'obj-title'}, h('h3', {id: 'obj-title'}, t('cohort.objective')),
        objectiveView(r, answer.otherObjective)),
    h('section', {'aria-labelledby': 'cmp-title'}, h('h3', {id: 'cmp-title'}, t('cohort.compare')), comparison(r, g)),
    h('section', {'aria-labelledby': 'exp-title'}, h('h3', {id: 'exp-title'}, t('cohort.exposure')), exposure(r)),
    h('section', {'aria-labelledby': 'grp-title'}, h('h3', {id: 'grp-title'}, t('cohort.groups')), groupsView(r, answer)),
    h('section', {'aria-labelledby': 'placed-title'}, h('h3', {id: 'placed-title'}, t('cohort.placedList', {n: assignments.length})),
        table('placed', t('cohort.placedCaption'), [t('people.id'), t('cohort.opening'), t('match.score')],
            assignments.slice(0, 100).map((a) => [
              h('a', {href: `#/explain/-/${seg(a.candidateId)}/-/${seg(a.openingId)}`}, a.candidateId), a.openingId,
              number(api.num(a.score), 3)])),
        assignments.length > 100 ? h('p', {class: 'help'}, t('cohort.firstN', {n: 100})) : null),
    h('section', {'aria-labelledby': 'left-title'}, h('h3', {id: 'left-title'}, t('cohort.leftList', {n: leftOut.length})),
        reasonItems.length ? h('figure', {class: 'chart-box'}, barChart({title: t('cohort.reasonsTitle'),
          desc: reasonItems.map((i) => `${i.label} ${i.text}`).join(', '), items: reasonItems, labelWidth: 260})) : null,
        table('left-out', t('cohort.leftCaption'), [t('people.id'), t('cohort.reason')],
            leftOut.slice(0, 100).map((l) => [h('a', {href: `#/person/-/${seg(l.candidateId)}`}, l.candidateId), enumLabel(l.reason)])),
        answer.leftOutTruncated || leftOut.length > 100 ? h('p', {class: 'help'}, t('cohort.firstN', {n: 100})) : null),
  ];
}

function rerankView(messages) {
  const rankings = messages.filter((m) => m.ranking).map((m) => m.ranking);
  const fair = messages.filter((m) => m.exposure).map((m) => m.exposure).pop();
  const progress = messages.filter((m) => m.progress).map((m) => m.progress).pop() || {};
  const bands = [[0, 0], [1, 3], [4, 6], [7, 10]];
  const items = bands.map(([lo, hi]) => ({label: lo === hi ? String(lo) : `${lo}–${hi}`,
    value: rankings.filter((r) => (r.matches || []).length >= lo && (r.matches || []).length <= hi).length}))
      .map((i) => ({...i, text: String(i.value)}));
  rankings.sort((a, b) => (a.candidateId < b.candidateId ? -1 : 1));
  return [
    h('p', {class: 'lead', id: 'rerank-summary'}, t('cohort.rerankSummary', {done: api.num(progress.candidatesDone),
      total: api.num(progress.candidatesTotal), scored: api.num(progress.pairsScored), pruned: api.num(progress.pairsPruned),
      seconds: number(api.num(progress.elapsedSeconds), 2)})),
    h('figure', {class: 'chart-box'}, barChart({title: t('cohort.bandsTitle'),
      desc: items.map((i) => `${i.label}: ${i.text}`).join(', '), items}), h('figcaption', {}, t('cohort.bandsCaption'))),
    table('rerank-table', t('cohort.rerankCaption'), [t('people.id'), t('cohort.bestOpening'), t('match.score'), t('cohort.matchCount')],
        rankings.slice(0, 50).map((r) => {
          const best = (r.matches || [])[0];
          return [h('a', {href: `#/person/-/${seg(r.candidateId)}`}, r.candidateId), best ? best.id : '—',
            best ? number(api.num(best.total), 3) : '—', String((r.matches || []).length)];
        })),
    rerankExposureView(fair),
  ];
}

// Enter in a field of the POEC fieldset forms cohorts, in the fair-exposure one re-ranks; anywhere else
// it runs the assignment.
function submitted(event) {
  const inside = (cls) => {
    const set = event.target.querySelector(cls);
    return Boolean(set && set.contains(document.activeElement));
  };
  if (inside('.poec')) return 'poec';
  return inside('.fair') ? 'rerank' : 'assign';
}

export async function render(main) {
  const results = h('section', {'aria-labelledby': 'results-title', id: 'cohort-results'},
      h('h2', {id: 'results-title'}, t('cohort.results')), h('p', {}, t('cohort.nothingYet')));
  async function run(event, which) {
    event.preventDefault();
    const form = main.querySelector('form');
    const busy = main.querySelectorAll('form button');
    clearError();
    busy.forEach((b) => { b.disabled = true; });
    replace(results, h('h2', {id: 'results-title'}, t('cohort.results')), h('p', {}, t('cohort.running')));
    announce(t('cohort.running'));
    try {
      let view;
      if (which === 'assign') view = assignView(await api.assign(assignRequest(form)));
      else if (which === 'poec') view = poecView(await api.formCohorts({...scope(form), ...poecRequest(form)}));
      else view = rerankView(await api.rerank({...scope(form), ...exposureRequest(form), k: 10}));
      replace(results, h('h2', {id: 'results-title'}, t(`cohort.${which}Results`)), view);
      announce(t('cohort.done'));
      results.querySelector('h2').tabIndex = -1;
      results.querySelector('h2').focus();
    } catch (err) {
      replace(results, h('h2', {id: 'results-title'}, t('cohort.results')));
      showError(err);
      markFieldError(form, err);
    } finally {
      busy.forEach((b) => { b.disabled = false; });
    }
  }
  replace(main,
      h('h1', {}, t('cohort.title')),
      h('p', {class: 'lead'}, t('cohort.intro')),
      h('form', {class: 'cohort-form card', onsubmit: (e) => run(e, submitted(e)), novalidate: true},
          h('fieldset', {}, h('legend', {}, t('cohort.scope')),
              textField('c-dep', t('people.departements'), {name: 'departements', field: 'departements', help: t('people.departementsHelp')}),
              textField('c-occ', t('people.occupations'), {name: 'occupations', field: 'occupations', help: t('people.occupationsHelp')})),
          h('fieldset', {}, h('legend', {}, t('cohort.mechanism')),
              selectField('c-mech', t('cohort.mechanism'), MECHANISMS.map((m) => [m, enumLabel(m)]), MECHANISMS[0],
                  {name: 'mechanism', field: 'mechanism', help: t('cohort.mechanismHelp')}),
              selectField('c-obj', t('cohort.objective'), OBJECTIVES.map((o) => [o, enumLabel(o)]), OBJECTIVES[0],
                  {name: 'objective', field: 'objective', help: t('cohort.objectiveHelp')}),
              textField('c-pool', t('cohort.pool'), {name: 'openings_per_candidate', field: 'openings_per_candidate',
                type: 'number', min: 0, value: '', help: t('cohort.poolHelp')}),
              textField('c-cap', t('cohort.cap'), {name: 'max_proposals_per_opening', field: 'max_proposals_per_opening',
                type: 'number', min: 0, value: '', help: t('cohort.capHelp')})),
          h('fieldset', {}, h('legend', {}, t('cohort.reserve')),
              textField('c-share', t('cohort.share'), {name: 'reserved_share', field: 'reserved_share', type: 'number',
                min: 0, max: 1, step: '0.05', value: '', help: t('cohort.shareHelp')}),
              selectField('c-french', t('cohort.frenchBelow'), [['', t('cohort.noCondition')], ...CEFR.map((c) => [c, enumLabel(c)])],
                  '', {name: 'french_below', field: 'reserve_for'}),
              h('fieldset', {class: 'inline'}, h('legend', {}, t('cohort.housingIn')),
                  HOUSING.map((v) => checkField(`c-h-${v}`, enumLabel(v), false, {name: `reserve-${v}`})))),
          exposureFields(),
          h('div', {class: 'actions'},
              h('button', {type: 'submit', class: 'primary', id: 'run-assign'}, t('cohort.runAssign')),
              h('button', {type: 'button', id: 'run-rerank', onclick: (e) => run(e, 'rerank')}, t('cohort.runRerank'))),
          poecFields((e) => run(e, 'poec'))),
      results);
}
