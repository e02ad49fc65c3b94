// An opening and its best candidates: for a counsellor the people its organisation may read, for an
// employer (its own openings only) the people who consented, in the employer view. The server applies
// the rules; this screen shows what it answers.
import {h, replace} from '../dom.js';
import {t, enumLabel} from '../i18n.js';
import * as api from '../api.js';
import * as session from '../session.js';
import {seg, announce} from '../app.js';
import {scoreBadge, distance, blockersList, readiness} from '../match-view.js';

function details(o) {
  const item = (label, value) => [h('dt', {}, label), h('dd', {}, value || '—')];
  return h('dl', {class: 'summary'},
      item(t('opening.rome'), o.romeCode),
      item(t('form.communeCode'), o.communeInsee),
      item(t('opening.contract'), enumLabel(o.contract)),
      item(t('opening.positions'), String(o.positions ?? 1)),
      item(t('opening.start'), o.startDate || t('now')),
      item(t('opening.french'), o.frenchMinLevel ? `${enumLabel(o.frenchMinLevel)} (${enumLabel(o.frenchRequirement || 'REQUIREMENT_UNSPECIFIED')})` : ''),
      item(t('opening.training'), o.frenchTrainingHours ? t('match.hours', {h: o.frenchTrainingHours}) : ''),
      item(t('opening.housing'), o.housingProvided ? t('yes') : t('no')),
      item(t('opening.expires'), o.expiresOn));
}

function rows(opening, list, near) {
  const employer = session.role() === 'employer';
  return h('table', {class: 'data', id: near ? 'near-candidates' : 'best-candidates'},
      h('caption', {}, near ? t('opening.nearCaption') : t('opening.bestCaption')),
      h('thead', {}, h('tr', {}, [near ? 'match.ifLifted' : 'match.score', 'people.id', 'match.distanceCol',
        near ? 'explain.blockers' : 'match.readiness', 'people.actions'].map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', {}, list.map((m) => h('tr', {'data-candidate': m.id},
          h('td', {}, scoreBadge(m.total)),
          h('th', {scope: 'row'}, employer ? m.id : h('a', {href: `#/person/${seg(m.ownerId)}/${seg(m.id)}`}, m.id)),
          h('td', {}, distance(m)),
          h('td', {}, near ? ((m.explanation || {}).blockers ? blockersList(m.explanation.blockers) :
            (m.blockerCodes || []).join(', ')) : readiness(m) || '—'),
          h('td', {}, h('a', {href: `#/explain/${seg(m.ownerId)}/${seg(m.id)}/${seg(opening.ownerId)}/${seg(opening.id)}`,
            'aria-label': t('opening.explainOne', {id: m.id})}, t('match.explain')))))));
}

export async function render(main, params) {
  const [got, answer] = await Promise.all([api.getOpening(params.id, params.owner),
    api.matchCandidates(params.id, params.owner, 10, 5)]);
  const o = got.opening || {};
  const opening = {id: params.id, ownerId: params.owner || o.ownerId || ''};
  const best = answer.matches || [];
  const near = answer.nearMisses || [];
  replace(main,
      h('h1', {}, o.title || params.id, h('span', {class: 'muted'}, ` — ${params.id}`)),
      session.role() === 'employer' ? h('p', {class: 'links'}, h('a', {href: '#/employer'}, t('opening.back'))) : null,
      details(o),
      h('p', {class: 'help'}, session.role() === 'employer' ? t('opening.employerRule') : t('opening.counsellorRule')),
      h('section', {'aria-labelledby': 'cands-title'}, h('h2', {id: 'cands-title'}, t('opening.best')),
          best.length ? rows(opening, best, false) : h('p', {}, t('opening.none'))),
      h('section', {'aria-labelledby': 'ncands-title'}, h('h2', {id: 'ncands-title'}, t('opening.near')),
          near.length ? rows(opening, near, true) : h('p', {}, t('opening.noNear'))));
  announce(t('opening.announce', {n: best.length}));
}
