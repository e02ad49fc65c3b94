// Pieces shared by the screens that show matches: a criterion's row, blockers with what would lift them,
// the readiness date and route (present only when the server sends them), a score's meter.
import {h} from './dom.js';
import {t, enumLabel, sentence, number} from './i18n.js';

export const CRITERIA = ['CRITERION_OCCUPATION', 'CRITERION_SKILLS', 'CRITERION_FRENCH', 'CRITERION_MOBILITY',
  'CRITERION_HOUSING', 'CRITERION_TENSION', 'CRITERION_TIMING', 'CRITERION_EXPERIENCE'];

export function score(value) {
  return number(Number(value || 0), 2);
}

// A score as text with a visual gauge; the text is what screen readers read.
export function scoreBadge(value) {
  const v = Math.max(0, Math.min(1, Number(value || 0)));
  const gauge = h('span', {class: 'gauge', 'aria-hidden': 'true'}, h('span', {class: 'gauge-fill'}));
  gauge.firstChild.style.width = `${(v * 100).toFixed(1)}%`;
  return h('span', {class: 'score'}, h('span', {class: 'score-text'}, score(v)), gauge);
}

export function distance(match) {
  const km = Number(match.distanceKm || 0);
  return t('match.distance', {km: number(km, km < 10 ? 1 : 0)});
}

// The reasons come with explanations (MatchOpenings/MatchCandidates asked with explain: true).
export function criteriaTable(criteria, caption) {
  return h('table', {class: 'data criteria'},
      h('caption', {class: 'visually-hidden'}, caption),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('criterion')), h('th', {scope: 'col'}, t('match.score')),
          h('th', {scope: 'col'}, t('match.reason')))),
      h('tbody', {}, (criteria || []).map((c) => h('tr', {},
          h('th', {scope: 'row'}, enumLabel(c.criterion)),
          h('td', {class: 'num'}, score(c.score)),
          h('td', {}, sentence(c.reason) || '—')))));
}

export function blockersList(blockers) {
  return h('ul', {class: 'blockers'}, (blockers || []).map((b) => h('li', {'data-code': b.code},
      h('strong', {}, enumLabel(`BLOCKER_${b.code}`)), ' — ', sentence(b.reason),
      sentence(b.unlock) ? h('p', {class: 'unlock'}, h('span', {class: 'unlock-label'}, t('match.unlock')), ' ',
          sentence(b.unlock)) : null)));
}

// Readiness and route: shown when the match or its explanation carries them (the hope-route work adds
// them); any of these spellings is read, and nothing is shown when none is there.
export function readiness(match) {
  const sources = [match, match.explanation || {}];
  let date = '';
  let steps = [];
  for (const src of sources) {
    const r = src.readiness || {};
    date = date || src.readyOn || src.readinessDate || src.readyDate || r.readyOn || r.date || r.readyDate || '';
    const route = src.route || r.route || {};
    const list = Array.isArray(route) ? route : route.steps || r.steps || [];
    if (!steps.length && list.length) steps = list;
  }
  if (!date && !steps.length) return null;
  return h('div', {class: 'readiness'},
      date ? h('p', {}, h('strong', {}, t('match.readyOn')), ' ', date) : null,
      steps.length ? h('ol', {class: 'route', 'aria-label': t('match.route')}, steps.map((step) => h('li', {},
          typeof step === 'string' ? step : [sentence(step.label) || step.name || enumLabel(step.kind || step.step) || '',
            step.hours ? ` — ${t('match.hours', {h: number(Number(step.hours), 0)})}` : '',
            step.start || step.startsOn ? ` (${step.start || step.startsOn}${step.end || step.endsOn ? ` → ${step.end || step.endsOn}` : ''})` : '']))) : null);
}
