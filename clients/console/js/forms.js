// Form building blocks: labelled fields with help text, the look-up widget for occupations and communes,
// and the mapping of an API error's field path to the input that holds it.
import {h, replace, uid} from './dom.js';
import {t} from './i18n.js';

export const CONTRACTS = ['CONTRACT_TYPE_CDI', 'CONTRACT_TYPE_CDD', 'CONTRACT_TYPE_CDD_USAGE', 'CONTRACT_TYPE_INTERIM',
  'CONTRACT_TYPE_CDPI', 'CONTRACT_TYPE_PROFESSIONNALISATION', 'CONTRACT_TYPE_APPRENTISSAGE', 'CONTRACT_TYPE_POEC',
  'CONTRACT_TYPE_IMMERSION', 'CONTRACT_TYPE_STAGE', 'CONTRACT_TYPE_AFEST', 'CONTRACT_TYPE_IAE'];
export const CEFR = ['CEFR_LEVEL_PRE_A1', 'CEFR_LEVEL_A1', 'CEFR_LEVEL_A2', 'CEFR_LEVEL_B1', 'CEFR_LEVEL_B2',
  'CEFR_LEVEL_C1', 'CEFR_LEVEL_C2'];
export const HOUSING = ['HOUSING_STATUS_STABLE', 'HOUSING_STATUS_TEMPORARY', 'HOUSING_STATUS_EMERGENCY',
  'HOUSING_STATUS_NONE'];
export const TRANSPORT = ['TRANSPORT_MODE_PUBLIC_TRANSPORT', 'TRANSPORT_MODE_WALKING', 'TRANSPORT_MODE_BICYCLE',
  'TRANSPORT_MODE_CAR'];

// "93, 75 69" -> ["93", "75", "69"]
export function splitList(text) {
  return String(text || '').split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

function helpFor(id, help) {
  return help ? h('p', {id: `${id}-help`, class: 'help'}, help) : null;
}

export function textField(id, label, {name, value = '', type = 'text', help, field, ...rest} = {}) {
  return h('div', {class: 'field'},
      h('label', {for: id}, label),
      h('input', {id, name: name || id, type, value, 'data-field': field,
        'aria-describedby': help ? `${id}-help` : null, ...rest}),
      helpFor(id, help));
}

export function selectField(id, label, options, value, {name, help, field} = {}) {
  return h('div', {class: 'field'},
      h('label', {for: id}, label),
      h('select', {id, name: name || id, 'data-field': field, 'aria-describedby': help ? `${id}-help` : null},
          options.map(([v, text]) => h('option', {value: v, selected: v === value}, text))),
      helpFor(id, help));
}

export function checkField(id, label, checked, {name, help, field} = {}) {
  return h('div', {class: 'field check'},
      h('input', {id, name: name || id, type: 'checkbox', checked: Boolean(checked), 'data-field': field,
        'aria-describedby': help ? `${id}-help` : null}),
      h('label', {for: id}, label),
      helpFor(id, help));
}

// A text box that asks the API for matches as one types (after a pause) and lists them as buttons;
// choosing one calls onPick(hit). Results are announced by count in a polite live region.
export function lookupField(id, label, {search, describe, onPick, help}) {
  const listId = uid('hits');
  const count = h('p', {class: 'help', 'aria-live': 'polite', id: `${listId}-count`});
  const list = h('ul', {class: 'hits', id: listId, 'aria-label': label});
  const input = h('input', {id, type: 'search', autocomplete: 'off',
    'aria-describedby': [help ? `${id}-help` : '', `${listId}-count`].filter(Boolean).join(' '),
    'aria-controls': listId});
  let timer = 0;
  let asked = 0;
  async function run() {
    const query = input.value.trim();
    const mine = ++asked;
    if (query.length < 2) {
      replace(list);
      count.textContent = '';
      return;
    }
    try {
      const hits = await search(query);
      if (mine !== asked) return;
      replace(list, hits.map((hit) => h('li', {}, h('button', {type: 'button', class: 'hit',
        onclick: () => {
          onPick(hit);
          replace(list);
          count.textContent = '';
          input.value = '';
          input.focus();
        }}, describe(hit)))));
      count.textContent = t('lookup.count', {n: hits.length});
    } catch (err) {
      count.textContent = err.message;
    }
  }
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {  // Enter searches at once instead of submitting the form
      event.preventDefault();
      clearTimeout(timer);
      run();
    } else if (event.key === 'ArrowDown') {
      const first = list.querySelector('button');
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  list.addEventListener('keydown', (event) => {
    const buttons = [...list.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    if (event.key === 'ArrowDown' && i < buttons.length - 1) buttons[i + 1].focus();
    else if (event.key === 'ArrowUp') (i > 0 ? buttons[i - 1] : input).focus();
    else if (event.key === 'Escape') input.focus();
    else return;
    event.preventDefault();
  });
  return h('div', {class: 'field lookup'}, h('label', {for: id}, label), input, helpFor(id, help), count, list);
}

// Marks the input an error names ("candidate.commune_insee" -> data-field "commune_insee") as invalid,
// puts the message under it and focuses it. Returns false when no input of the form holds that field.
export function markFieldError(form, err) {
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field-error').forEach((el) => el.remove());
  if (!err.field) return false;
  const path = err.field.replace(/^(candidate|opening|profile)\./, '');
  const base = path.replace(/\[\d+\].*$/, '');
  const el = form.querySelector(`[data-field="${CSS.escape(path)}"]`) ||
      form.querySelector(`[data-field="${CSS.escape(base)}"]`);
  if (!el) return false;
  const msgId = uid('err');
  el.setAttribute('aria-invalid', 'true');
  el.setAttribute('aria-describedby', `${msgId} ${el.getAttribute('aria-describedby') || ''}`.trim());
  el.closest('.field, fieldset').append(h('p', {id: msgId, class: 'field-error'}, err.message));
  el.focus();
  return true;
}
