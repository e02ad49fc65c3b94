// Find a person: by id, or by the list of the people the organisation may read, with filters.
import {h, replace} from '../dom.js';
import {t, enumLabel} from '../i18n.js';
import * as api from '../api.js';
import {go, seg, showError, clearError, announce} from '../app.js';
import {CONTRACTS, splitList, selectField, textField} from '../forms.js';

function byId(event) {
  event.preventDefault();
  const id = event.target.querySelector('#find-id').value.trim();
  if (id) go(`person/-/${encodeURIComponent(id)}`);
}

function row(candidate, info) {
  const owner = (info && info.ownerId) || candidate.ownerId || '';
  const updated = info && info.updatedUnixSeconds ?
    new Date(api.num(info.updatedUnixSeconds) * 1000).toISOString().slice(0, 10) : '';
  return h('tr', {},
      h('th', {scope: 'row'}, h('a', {href: `#/person/${seg(owner)}/${seg(candidate.id)}`}, candidate.id)),
      h('td', {}, owner),
      h('td', {}, candidate.communeInsee || '—'),
      h('td', {}, enumLabel(candidate.frenchLevel || 'CEFR_LEVEL_UNSPECIFIED')),
      h('td', {}, (candidate.wishedOccupations || []).join(', ')),
      h('td', {}, candidate.rightToWork ? t('yes') : t('no')),
      h('td', {}, updated),
      h('td', {}, info && info.matchable === false ? t('people.notMatchable') : ''),
      h('td', {}, h('a', {href: `#/person/${seg(owner)}/${seg(candidate.id)}/edit`,
        'aria-label': t('people.editOne', {id: candidate.id})}, t('people.edit'))));
}

export async function render(main) {
  const results = h('div', {id: 'people-results'});
  let token = '';
  let filter = {};

  async function load(append) {
    clearError();
    try {
      const page = await api.listCandidates(filter, 25, append ? token : '');
      token = page.nextPageToken || '';
      const candidates = page.candidates || [];
      const infos = page.infos || [];
      let body = results.querySelector('tbody');
      if (!append || !body) {
        body = h('tbody');
        replace(results, h('table', {class: 'data'},
            h('caption', {}, t('people.caption')),
            h('thead', {}, h('tr', {}, ['people.id', 'people.owner', 'people.commune', 'people.french',
              'people.wished', 'people.rightToWork', 'people.updated', 'people.status', 'people.actions']
                .map((k) => h('th', {scope: 'col'}, t(k))))),
            body));
      }
      candidates.forEach((c, i) => body.append(row(c, infos[i])));
      results.querySelector('.more')?.remove();
      if (token) {
        results.append(h('button', {type: 'button', class: 'more', onclick: () => load(true)}, t('people.more')));
      }
      if (!candidates.length && !append) replace(results, h('p', {}, t('people.none')));
      announce(t('people.count', {n: body.children.length}));
    } catch (err) {
      showError(err);
    }
  }

  function applyFilters(event) {
    event.preventDefault();
    const form = event.target;
    filter = {
      departements: splitList(form.elements.departements.value),
      occupations: splitList(form.elements.occupations.value).map((c) => c.toUpperCase()),
      contractTypes: form.elements.contract.value ? [form.elements.contract.value] : [],
    };
    load(false);
  }

  replace(main,
      h('h1', {}, t('people.title')),
      h('div', {class: 'columns'},
          h('form', {class: 'card', onsubmit: byId, role: 'search', 'aria-labelledby': 'find-id-title'},
              h('h2', {id: 'find-id-title'}, t('people.byId')),
              textField('find-id', t('people.id'), {required: true, autocomplete: 'off'}),
              h('button', {type: 'submit', class: 'primary'}, t('people.open'))),
          h('form', {class: 'card', onsubmit: applyFilters, role: 'search', 'aria-labelledby': 'filter-title'},
              h('h2', {id: 'filter-title'}, t('people.filters')),
              textField('f-departements', t('people.departements'), {name: 'departements', help: t('people.departementsHelp')}),
              textField('f-occupations', t('people.occupations'), {name: 'occupations', help: t('people.occupationsHelp')}),
              selectField('f-contract', t('people.contract'), [['', t('people.anyContract')],
                ...CONTRACTS.map((c) => [c, enumLabel(c)])], '', {name: 'contract'}),
              h('button', {type: 'submit'}, t('people.apply')))),
      h('section', {'aria-labelledby': 'list-title'}, h('h2', {id: 'list-title'}, t('people.list')), results));
  await load(false);
}
