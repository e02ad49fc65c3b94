// A person and their best openings: each criterion's score and reason, distance, readiness and route when
// known; then the near-misses with what blocks them and what would lift it.
import {h, replace} from '../dom.js';
import {t, enumLabel} from '../i18n.js';
import * as api from '../api.js';
import {seg, announce} from '../app.js';
import {scoreBadge, distance, criteriaTable, blockersList, readiness} from '../match-view.js';

// Opening titles for the results (a match names the opening by id only).
async function titles(matches) {
  const out = new Map();
  await Promise.all(matches.map(async (m) => {
    try {
      const answer = await api.getOpening(m.id, m.ownerId || '');
      out.set(`${m.ownerId}/${m.id}`, answer.opening || {});
    } catch (_) { /* the id alone is shown */ }
  }));
  return out;
}

function summary(c) {
  const item = (label, value) => [h('dt', {}, label), h('dd', {}, value || '—')];
  return h('dl', {class: 'summary'},
      item(t('form.communeCode'), c.communeInsee),
      item(t('form.frenchLevel'), enumLabel(c.frenchLevel || 'CEFR_LEVEL_UNSPECIFIED')),
      item(t('form.housing'), enumLabel(c.housing || 'HOUSING_STATUS_UNSPECIFIED')),
      item(t('form.transport'), enumLabel(c.transportMode || 'TRANSPORT_MODE_UNSPECIFIED')),
      item(t('form.wished'), (c.wishedOccupations || []).join(', ')),
      item(t('form.rightToWork'), c.rightToWork ? t('yes') : t('no')),
      item(t('form.available'), c.availableFrom || t('now')));
}

function links(person, m) {
  const explainHref = `#/explain/${seg(person.owner)}/${seg(person.id)}/${seg(m.ownerId)}/${seg(m.id)}`;
  return h('p', {class: 'links'},
      h('a', {href: explainHref, class: 'button-link'}, t('match.explain')),
      h('a', {href: `#/opening/${seg(m.ownerId)}/${seg(m.id)}`}, t('match.candidatesFor')));
}

function heading(m, info, rank) {
  const title = info && info.title ? info.title : m.id;
  return h('h3', {}, rank ? `${rank}. ` : '', title, h('span', {class: 'muted'}, ` — ${m.id}`));
}

function matchCard(person, m, info, rank) {
  const expl = m.explanation || {};
  return h('li', {class: 'card match', 'data-opening': m.id, 'data-total': m.total},
      h('article', {'aria-label': t('match.cardLabel', {title: (info && info.title) || m.id})},
          heading(m, info, rank),
          h('p', {class: 'facts'}, h('span', {}, t('match.total'), ' ', scoreBadge(m.total)), ' · ',
              distance(m), info && info.contract ? ` · ${enumLabel(info.contract)}` : '',
              info && info.communeInsee ? ` · ${info.communeInsee}` : ''),
          readiness(m),
          h('details', {open: rank === 1}, h('summary', {}, t('match.criteria')),
              criteriaTable(expl.criteria || m.criteria, t('match.criteriaOf', {id: m.id}))),
          links(person, m)));
}

function nearMissCard(person, m, info) {
  const expl = m.explanation || {};
  return h('li', {class: 'card near-miss', 'data-opening': m.id},
      h('article', {'aria-label': t('match.cardLabel', {title: (info && info.title) || m.id})},
          heading(m, info, 0),
          h('p', {class: 'facts'}, h('span', {}, t('match.ifLifted'), ' ', scoreBadge(m.total)), ' · ', distance(m)),
          readiness(m),
          expl.blockers ? blockersList(expl.blockers) :
            h('p', {}, (m.blockerCodes || []).map((c) => enumLabel(`BLOCKER_${c}`)).join(', ')),
          links(person, m)));
}

export async function render(main, params) {
  const [got, answer] = await Promise.all([api.getCandidate(params.id, params.owner),
    api.matchOpenings(params.id, params.owner, 10, 5)]);
  const candidate = got.candidate || {};
  const person = {id: params.id, owner: params.owner || candidate.ownerId || ''};
  const matches = answer.matches || [];
  const near = answer.nearMisses || [];
  const info = await titles([...matches, ...near]);
  const key = (m) => `${m.ownerId}/${m.id}`;
  replace(main,
      h('h1', {}, t('match.title', {id: params.id})),
      h('div', {class: 'person-head'}, summary(candidate),
          h('p', {class: 'links'},
              h('a', {href: `#/person/${seg(person.owner)}/${seg(person.id)}/edit`, class: 'button-link'}, t('people.edit')),
              got.matchable === false ? h('span', {class: 'warning'}, t('people.notMatchable')) : null)),
      h('section', {'aria-labelledby': 'best-title', id: 'best-openings'},
          h('h2', {id: 'best-title'}, t('match.best'), ' ',
              h('span', {class: 'muted'}, t('match.counts', {eligible: api.num(answer.eligiblePairs),
                scored: api.num(answer.scoredPairs)}))),
          matches.length ? h('ol', {class: 'cards'}, matches.map((m, i) => matchCard(person, m, info.get(key(m)), i + 1))) :
            h('p', {}, t('match.none'))),
      h('section', {'aria-labelledby': 'near-title', id: 'near-misses'},
          h('h2', {id: 'near-title'}, t('match.near')),
          h('p', {class: 'help'}, t('match.nearHelp')),
          near.length ? h('ul', {class: 'cards'}, near.map((m) => nearMissCard(person, m, info.get(key(m))))) :
            h('p', {}, t('match.noNear'))));
  announce(t('match.announce', {n: matches.length, near: near.length}));
}
