// Messages in French (first) and English; the choice is kept for the tab (sessionStorage) and applied to
// <html lang> so that screen readers speak each language with the right voice.
import fr from './i18n/fr.js';
import en from './i18n/en.js';

const CATALOGUES = {fr, en};
let current = sessionStorage.getItem('passerelle.lang') === 'en' ? 'en' : 'fr';

export function lang() {
  return current;
}

export function setLang(code) {
  current = code === 'en' ? 'en' : 'fr';
  sessionStorage.setItem('passerelle.lang', current);
  document.documentElement.lang = current;
}

// t('matches.title', {id: 'c-1'}) with {name} placeholders; a missing key shows itself, never blank.
export function t(key, params = {}) {
  const text = CATALOGUES[current][key] ?? CATALOGUES.fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

// The label of an enum value ("CEFR_LEVEL_B1" -> "B1"), from the catalogue's enum table.
export function enumLabel(value) {
  if (value === undefined || value === null || value === '') return '';
  return CATALOGUES[current].enums[value] ?? CATALOGUES.fr.enums[value] ?? String(value);
}

// A Sentence {fr, en} in the chosen language.
export function sentence(value) {
  if (!value) return '';
  return value[current] || value.fr || value.en || '';
}

export function number(value, digits = 2) {
  return new Intl.NumberFormat(current === 'fr' ? 'fr-FR' : 'en-GB',
      {minimumFractionDigits: digits, maximumFractionDigits: digits}).format(value);
}

export function percent(value, digits = 0) {
  return new Intl.NumberFormat(current === 'fr' ? 'fr-FR' : 'en-GB',
      {style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits}).format(value);
}

document.documentElement.lang = current;
