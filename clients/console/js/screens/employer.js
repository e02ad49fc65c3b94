// An employer's own openings (ListOpenings answers an employer with its own only), each a link to its
// best candidates among the people who consented.
import {h, replace} from '../dom.js';
import {t, enumLabel} from '../i18n.js';
import * as api from '../api.js';
import {seg, showError, announce} from '../app.js';

export async function render(main) {
  const body = h('tbody');
  const more = h('div');
  let shown = 0;
  async function load(token) {
    try {
      const page = await api.listOpenings({}, 50, token);
      (page.openings || []).forEach((o, i) => {
        const owner = (page.infos || [])[i]?.ownerId || o.ownerId || '';
        body.append(h('tr', {'data-opening': o.id},
            h('th', {scope: 'row'}, h('a', {href: `#/opening/${seg(owner)}/${seg(o.id)}`}, o.title || o.id)),
            h('td', {}, o.id),
            h('td', {}, o.romeCode || ''),
            h('td', {}, o.communeInsee || ''),
            h('td', {}, enumLabel(o.contract)),
            h('td', {class: 'num'}, String(o.positions ?? 1)),
            h('td', {}, o.expiresOn || '—')));
        shown += 1;
      });
      replace(more, page.nextPageToken ?
        h('button', {type: 'button', onclick: () => load(page.nextPageToken)}, t('people.more')) : null);
      announce(t('employer.count', {n: shown}));
    } catch (err) {
      showError(err);
    }
  }
  replace(main,
      h('h1', {}, t('employer.title')),
      h('p', {class: 'lead'}, t('employer.intro')),
      h('table', {class: 'data', id: 'own-openings'},
          h('caption', {}, t('employer.caption')),
          h('thead', {}, h('tr', {}, ['employer.titleCol', 'people.id', 'opening.rome', 'form.communeCode',
            'opening.contract', 'opening.positions', 'opening.expires'].map((k) => h('th', {scope: 'col'}, t(k))))),
          body),
      more);
  await load('');
}
