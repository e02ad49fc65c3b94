// Create or edit a person. Occupations are looked up by job title, the commune by name; fields the form
// does not show (skills, languages, past occupations...) are kept as stored.
import {h, replace} from '../dom.js';
import {t, enumLabel} from '../i18n.js';
import * as api from '../api.js';
import {go, seg, showError, clearError, announce} from '../app.js';
import {CONTRACTS, CEFR, HOUSING, TRANSPORT, textField, selectField, checkField, lookupField,
  markFieldError} from '../forms.js';

function chip(code, label, onRemove) {
  return h('li', {class: 'chip', 'data-code': code}, h('span', {}, label ? `${code} — ${label}` : code),
      h('button', {type: 'button', class: 'link', 'aria-label': t('form.removeOne', {what: label || code}),
        onclick: onRemove}, '×'));
}

function enumOptions(values) {
  return values.map((v) => [v, enumLabel(v)]);
}

function readForm(form, base, wished) {
  const e = form.elements;
  const number = (el) => (el.value === '' ? 0 : Number(el.value));
  return {
    ...base,
    id: e.id.value.trim(),
    communeInsee: e.commune_insee.value.trim(),
    transportMode: e.transport_mode.value,
    maxCommuteKm: number(e.max_commute_km),
    drivingLicence: e.driving_licence.checked,
    vehicle: e.vehicle.checked,
    relocationAccepted: e.relocation_accepted.checked,
    housing: e.housing.value,
    frenchLevel: e.french_level.value,
    frenchAttested: e.french_attested.checked,
    frenchHoursPlanned: number(e.french_hours_planned),
    wishedOccupations: wished.map((w) => w.code),
    acceptedContracts: CONTRACTS.filter((c) => e[`contract-${c}`].checked),
    availableFrom: e.available_from.value,
    rightToWork: e.right_to_work.checked,
    sharedWithEmployers: e.shared_with_employers.checked,
  };
}

export async function render(main, params) {
  const editing = Boolean(params.id);
  let base = {};
  if (editing) {
    const answer = await api.getCandidate(params.id, params.owner);
    base = answer.candidate || {};
  }
  const wished = (base.wishedOccupations || []).map((code) => ({code, label: ''}));
  const chips = h('ul', {class: 'chips', 'aria-label': t('form.wished')});
  const drawChips = () => replace(chips, wished.map((w, i) => chip(w.code, w.label, () => {
    wished.splice(i, 1);
    drawChips();
    announce(t('form.removed', {what: w.label || w.code}));
  })));
  drawChips();
  const communeName = h('p', {class: 'help', id: 'commune-name', 'aria-live': 'polite'});

  async function submit(event) {
    event.preventDefault();
    const form = event.target;
    clearError();
    const candidate = readForm(form, base, wished);
    try {
      const answer = await api.putCandidate(candidate);
      announce(answer.created ? t('form.created', {id: candidate.id}) : t('form.saved', {id: candidate.id}));
      go(`person/${seg(base.ownerId || '')}/${seg(candidate.id)}`);
    } catch (err) {
      showError(err);
      markFieldError(form, err);
    }
  }

  const contracts = new Set(base.acceptedContracts || []);
  replace(main,
      h('h1', {}, editing ? t('form.editTitle', {id: params.id}) : t('form.newTitle')),
      h('p', {class: 'lead'}, t('form.intro')),
      h('form', {class: 'person-form', onsubmit: submit, novalidate: true},
          h('fieldset', {}, h('legend', {}, t('form.identity')),
              textField('p-id', t('form.id'), {name: 'id', value: base.id || '', field: 'id', required: true,
                readOnly: editing, help: t('form.idHelp'), autocomplete: 'off'}),
              checkField('p-rtw', t('form.rightToWork'), base.rightToWork, {name: 'right_to_work', field: 'right_to_work'}),
              checkField('p-share', t('form.shared'), base.sharedWithEmployers,
                  {name: 'shared_with_employers', field: 'shared_with_employers', help: t('form.sharedHelp')})),
          h('fieldset', {}, h('legend', {}, t('form.place')),
              lookupField('p-commune-q', t('form.communeSearch'), {
                help: t('form.communeHelp'),
                search: async (q) => (await api.lookupCommunes(q)).hits || [],
                describe: (c) => `${c.name} (${c.departement}) — ${c.inseeCode}`,
                onPick: (c) => {
                  main.querySelector('#p-commune').value = c.inseeCode;
                  communeName.textContent = t('form.communeChosen', {name: c.name, code: c.inseeCode});
                },
              }),
              textField('p-commune', t('form.communeCode'), {name: 'commune_insee', value: base.communeInsee || '',
                field: 'commune_insee', required: true, inputmode: 'numeric', autocomplete: 'off'}),
              communeName,
              selectField('p-transport', t('form.transport'), enumOptions(TRANSPORT),
                  base.transportMode || 'TRANSPORT_MODE_PUBLIC_TRANSPORT', {name: 'transport_mode', field: 'transport_mode'}),
              textField('p-commute', t('form.maxCommute'), {name: 'max_commute_km', type: 'number', min: 0, max: 1000,
                value: base.maxCommuteKm || '', field: 'max_commute_km', help: t('form.maxCommuteHelp')}),
              checkField('p-licence', t('form.licence'), base.drivingLicence, {name: 'driving_licence', field: 'driving_licence'}),
              checkField('p-vehicle', t('form.vehicle'), base.vehicle, {name: 'vehicle', field: 'vehicle'}),
              checkField('p-reloc', t('form.relocation'), base.relocationAccepted,
                  {name: 'relocation_accepted', field: 'relocation_accepted'}),
              selectField('p-housing', t('form.housing'), enumOptions(HOUSING), base.housing || 'HOUSING_STATUS_STABLE',
                  {name: 'housing', field: 'housing'})),
          h('fieldset', {}, h('legend', {}, t('form.french')),
              selectField('p-french', t('form.frenchLevel'), enumOptions(CEFR), base.frenchLevel || 'CEFR_LEVEL_PRE_A1',
                  {name: 'french_level', field: 'french_level'}),
              checkField('p-attested', t('form.attested'), base.frenchAttested, {name: 'french_attested', field: 'french_attested'}),
              textField('p-hours', t('form.hoursPlanned'), {name: 'french_hours_planned', type: 'number', min: 0, max: 5000,
                value: base.frenchHoursPlanned || '', field: 'french_hours_planned'})),
          h('fieldset', {}, h('legend', {}, t('form.work')),
              lookupField('p-occupation-q', t('form.occupationSearch'), {
                help: t('form.occupationHelp'),
                search: async (q) => (await api.lookupOccupations(q)).hits || [],
                describe: (o) => `${o.appellationLabel} — ${o.romeCode} ${o.romeLabel}`,
                onPick: (o) => {
                  if (!wished.some((w) => w.code === o.romeCode)) wished.push({code: o.romeCode, label: o.romeLabel});
                  drawChips();
                  announce(t('form.added', {what: `${o.romeCode} ${o.romeLabel}`}));
                },
              }),
              h('div', {'data-field': 'wished_occupations', tabindex: '-1', class: 'field'},
                  h('p', {class: 'label'}, t('form.wished')), chips),
              h('fieldset', {class: 'inline', 'data-field': 'accepted_contracts', tabindex: '-1'},
                  h('legend', {}, t('form.contracts')),
                  CONTRACTS.map((c) => checkField(`p-c-${c}`, enumLabel(c), contracts.has(c), {name: `contract-${c}`}))),
              textField('p-available', t('form.available'), {name: 'available_from', type: 'date',
                value: base.availableFrom || '', field: 'available_from'})),
          h('div', {class: 'actions'},
              h('button', {type: 'submit', class: 'primary'}, editing ? t('form.save') : t('form.create')),
              editing ? h('a', {href: `#/person/${seg(params.owner)}/${seg(params.id)}`}, t('form.cancel')) : null)));
}
