// One pair explained: eligible or not, the total, a bar chart of each criterion's contribution (the
// contributions add up to the total, shown as one stacked bar too), the reasons, the blockers and what
// would lift them.
import {h, replace} from '../dom.js';
import {t, enumLabel, sentence, number} from '../i18n.js';
import * as api from '../api.js';
import * as session from '../session.js';
import {seg} from '../app.js';
import {barChart, stackedBar, PALETTE} from '../charts.js';
import {score, scoreBadge, blockersList, readiness} from '../match-view.js';

function state(e) {
  if (e.eligible) return h('p', {class: 'state ok'}, t('explain.eligible'));
  if (e.nearMiss) return h('p', {class: 'state near'}, t('explain.nearMiss'));
  return h('p', {class: 'state blocked'}, t('explain.blocked'));
}

function contributionTable(criteria, total) {
  const sum = criteria.reduce((acc, c) => acc + Number(c.contribution || 0), 0);
  return h('table', {class: 'data contributions', id: 'contributions'},
      h('caption', {}, t('explain.tableCaption')),
      h('thead', {}, h('tr', {}, ['criterion', 'match.score', 'explain.weight', 'explain.contribution', 'match.reason']
          .map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', {}, criteria.map((c, i) => h('tr', {'data-criterion': c.criterion},
          h('th', {scope: 'row'}, h('span', {class: 'swatch', 'aria-hidden': 'true', 'data-colour': PALETTE[i % PALETTE.length]}),
              enumLabel(c.criterion)),
          h('td', {class: 'num'}, score(c.score)),
          h('td', {class: 'num'}, number(Number(c.weight || 0), 1)),
          h('td', {class: 'num contribution', 'data-value': Number(c.contribution || 0)}, number(Number(c.contribution || 0), 3)),
          h('td', {}, sentence(c.reason))))),
      h('tfoot', {}, h('tr', {},
          h('th', {scope: 'row', colspan: 3}, t('explain.sum')),
          h('td', {class: 'num', id: 'contribution-sum', 'data-value': sum}, number(sum, 3)),
          h('td', {}, t('explain.equalsTotal', {total: number(total, 3)})))));
}

export async function render(main, params) {
  const answer = await api.explain(params.cid, params.oid, params.cowner, params.oowner);
  const e = answer.explanation || {};
  const criteria = e.criteria || [];
  const total = Number(e.total || 0);
  let title = params.oid;
  try {
    title = (await api.getOpening(params.oid, params.oowner)).opening?.title || params.oid;
  } catch (_) { /* the id is enough */ }
  const items = criteria.map((c, i) => ({label: enumLabel(c.criterion), value: Number(c.contribution || 0),
    text: number(Number(c.contribution || 0), 3), color: PALETTE[i % PALETTE.length]}));
  const words = items.map((i) => `${i.label} ${i.text}`).join(', ');
  const back = session.role() === 'employer' ? `#/opening/${seg(params.oowner)}/${seg(params.oid)}` :
    `#/person/${seg(params.cowner)}/${seg(params.cid)}`;
  const chart = barChart({title: t('explain.chartTitle'), desc: t('explain.chartDesc', {parts: words, total: number(total, 3)}),
    items, max: Math.max(0.05, ...items.map((i) => i.value))});
  chart.id = 'contribution-chart';
  const stacked = stackedBar({title: t('explain.stackTitle'), desc: t('explain.stackDesc', {total: number(total, 3)}),
    segments: items.map((i) => ({...i, text: `${i.label} ${i.text}`}))});
  stacked.id = 'contribution-stack';
  replace(main,
      h('h1', {}, t('explain.title', {cid: params.cid, title})),
      h('p', {class: 'links'}, h('a', {href: back}, t('explain.back'))),
      h('div', {class: 'explain-head card'},
          state(e),
          h('p', {class: 'total'}, e.eligible ? t('explain.total') : t('match.ifLifted'), ' ',
              h('span', {id: 'explain-total', 'data-value': total}, scoreBadge(total))),
          h('p', {}, t('match.distance', {km: number(Number(e.distanceKm || 0), 1)}),
              Number(e.frenchTrainingHoursNeeded || 0) > 0 ?
                ` · ${t('explain.frenchHours', {h: number(Number(e.frenchTrainingHoursNeeded), 0)})}` : ''),
          readiness({explanation: e, ...e})),
      (e.blockers || []).length ? h('section', {'aria-labelledby': 'blockers-title'},
          h('h2', {id: 'blockers-title'}, t('explain.blockers')), blockersList(e.blockers)) : null,
      h('section', {'aria-labelledby': 'chart-title'},
          h('h2', {id: 'chart-title'}, t('explain.contributions')),
          h('p', {class: 'help'}, t('explain.contributionsHelp')),
          h('figure', {class: 'chart-box'}, chart),
          h('figure', {class: 'chart-box'}, stacked, h('figcaption', {}, t('explain.stackCaption', {total: number(total, 3)}))),
          contributionTable(criteria, total)),
      (e.missingRequiredSkills || []).length || (e.missingDesiredSkills || []).length ?
        h('section', {'aria-labelledby': 'skills-title'}, h('h2', {id: 'skills-title'}, t('explain.missingSkills')),
            h('p', {}, t('explain.missingRequired', {list: (e.missingRequiredSkills || []).join(', ') || '—'})),
            h('p', {}, t('explain.missingDesired', {list: (e.missingDesiredSkills || []).join(', ') || '—'}))) : null);
  // Swatches take their colour from data (no inline style attribute in markup: the CSP forbids it).
  main.querySelectorAll('.swatch').forEach((el) => { el.style.background = el.dataset.colour; });
}
