// Fair exposure of a re-ranking (docs/batch.md, "Fair exposure of re-ranks"): the form's fieldset for a
// minimum share of the openings' top places for one group, the Rerank request fields, and the report:
// per watched attribute each group's share of the people against its share of the top places, and with
// a minimum share the shares after re-ranking and the score it cost.
import {h} from '../dom.js';
import {t, number, percent} from '../i18n.js';
import * as api from '../api.js';
import {textField, selectField} from '../forms.js';
import {table} from './cohort-poec.js';

// The server names groups in English ("below A1", "public transport"); départements by their code.
export function groupLabel(name) {
  const key = `cohort.g.${name}`;
  const text = t(key);
  return text === key ? name : text;
}

// The server sorts groups by name; French bands, housing and transport read better in their own order.
const ORDER = ['below A1', 'A1', 'A2', 'B1', 'B2 and above', 'stable', 'temporary', 'emergency', 'none',
  'walking', 'bicycle', 'public transport', 'car'];
export const rank = (g) => (ORDER.includes(g.group) ? ORDER.indexOf(g.group) : ORDER.length);

// Watched attributes the re-ranking reports (départements are many: the API has them, the screen not).
const ATTRIBUTES = {french_band: ORDER.slice(0, 5), housing: ORDER.slice(5, 9), transport_mode: ORDER.slice(9)};
const SLOTS = 10;

export function exposureFields() {
  const groups = [['', t('fair.none')]];
  Object.entries(ATTRIBUTES).forEach(([a, names]) => names.forEach((g) =>
    groups.push([`${a}=${g}`, `${t(`cohort.attr.${a}`)} : ${groupLabel(g)}`])));
  return h('fieldset', {class: 'fair'}, h('legend', {}, t('fair.legend')),
      selectField('f-group', t('fair.group'), groups, '', {name: 'fair_group', field: 'min_exposure.group'}),
      textField('f-share', t('fair.share'), {name: 'fair_share', field: 'min_exposure.min_share', type: 'number',
        min: 0, max: 1, step: '0.05', value: '', help: t('fair.shareHelp', {slots: SLOTS})}));
}

export function exposureRequest(form) {
  const e = form.elements;
  const request = {exposureAttributes: Object.keys(ATTRIBUTES), slotsPerOpening: SLOTS};
  if (e.fair_group.value) {
    const [attribute, group] = e.fair_group.value.split('=');
    request.minExposure = {attribute, group, minShare: Number(e.fair_share.value || 0)};
  }
  return request;
}

function attributeTable(x, after) {
  const name = t(`cohort.attr.${x.attribute}`);
  const shareAfter = {};
  ((after && after.groups) || []).forEach((g) => { shareAfter[g.group] = g; });
  const head = [t('cohort.group'), t('cohort.poolCount'), t('cohort.poolShare'), t('fair.slotCount'),
    t('fair.slotShare'), t('cohort.ratio')];
  if (after) head.push(t('fair.after'), t('fair.ratioAfter'));
  const rows = [...(x.groups || [])].sort((a, b) => rank(a) - rank(b)).map((g) => {
    const cells = [groupLabel(g.group), String(api.num(g.poolCount)), percent(api.num(g.poolShare), 1),
      String(api.num(g.slotCount)), percent(api.num(g.slotShare), 1), number(api.num(g.exposureRatio), 2)];
    if (after) {
      const a = shareAfter[g.group] || {};
      cells.push(percent(api.num(a.slotShare), 1), number(api.num(a.exposureRatio), 2));
    }
    return cells;
  });
  return table(`slot-exposure-${x.attribute.replace(/_/g, '-')}`, t('fair.caption', {name}), head, rows, 'group-exposure');
}

function minimumSummary(e) {
  const m = e.minExposure;
  const before = api.num(e.scoreBefore);
  const out = [h('p', {id: 'min-exposure-summary'}, t('fair.summary', {share: percent(api.num(m.minShare), 0),
    group: groupLabel(m.group), changed: api.num(e.openingsReordered), lists: api.num(e.openingLists),
    before: number(before, 2), after: number(api.num(e.scoreAfter), 2), cost: number(api.num(e.scoreCost), 2),
    pct: percent(before > 0 ? api.num(e.scoreCost) / before : 0, 2)}))];
  if (api.num(e.prefixesShort) > 0) out.push(h('p', {class: 'help'}, t('fair.short', {n: api.num(e.prefixesShort)})));
  return out;
}

export function rerankExposureView(e) {
  if (!e) return null;
  const constrained = e.minExposure ? e.minExposure.attribute : null;
  return h('section', {'aria-labelledby': 'fair-title'},
      h('h3', {id: 'fair-title'}, t('fair.title', {slots: api.num(e.slotsPerOpening)})),
      h('p', {class: 'help'}, t('fair.intro', {lists: api.num(e.openingLists)})),
      constrained ? minimumSummary(e) : null,
      (e.slotExposure || []).map((x) => attributeTable(x, x.attribute === constrained ? e.representativeExposure : null)));
}
