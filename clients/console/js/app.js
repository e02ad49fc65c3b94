// The console's shell: sign-in gate, navigation by role, hash routes to one module per screen, the
// live regions for errors and status, and the language switch.
import {h, replace} from './dom.js';
import {t, lang, setLang} from './i18n.js';
import * as session from './session.js';
import * as signin from './screens/signin.js';
import * as people from './screens/people.js';
import * as personForm from './screens/person-form.js';
import * as matches from './screens/matches.js';
import * as explain from './screens/explain.js';
import * as opening from './screens/opening.js';
import * as employer from './screens/employer.js';
import * as cohort from './screens/cohort.js';

// Route patterns: "#/person/{owner}/{id}" with "-" for an empty owner.
const ROUTES = [
  {path: 'signin', screen: signin, open: true},
  {path: 'people', screen: people, roles: ['counsellor']},
  {path: 'person/new', screen: personForm, roles: ['counsellor']},
  {path: 'person/:owner/:id/edit', screen: personForm, roles: ['counsellor']},
  {path: 'person/:owner/:id', screen: matches, roles: ['counsellor']},
  {path: 'explain/:cowner/:cid/:oowner/:oid', screen: explain},
  {path: 'opening/:owner/:id', screen: opening},
  {path: 'employer', screen: employer, roles: ['employer']},
  {path: 'cohort', screen: cohort, roles: ['counsellor']},
];

const NAV = {
  counsellor: [['people', 'nav.people'], ['person/new', 'nav.newPerson'], ['cohort', 'nav.cohort']],
  employer: [['employer', 'nav.employer']],
};

export function home() {
  const role = session.role();
  if (!session.key()) return 'signin';
  return role === 'employer' ? 'employer' : 'people';
}

export function go(path) {
  location.hash = `#/${path}`;
}

// "-" stands for an empty owner in a route.
export function seg(value) {
  return encodeURIComponent(value || '-');
}

function match(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  for (const route of ROUTES) {
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params = {};
    const ok = pattern.every((p, i) => {
      if (p.startsWith(':')) {
        const v = decodeURIComponent(parts[i]);
        params[p.slice(1)] = v === '-' ? '' : v;
        return true;
      }
      return p === parts[i];
    });
    if (ok) return {route, params};
  }
  return null;
}

export function clearError() {
  replace(document.getElementById('errors'));
}

// The gRPC code in words ("Clé refusée"), or the code itself when the catalogue has no words for it.
function codeLabel(code) {
  const key = `code.${code}`;
  const words = t(key);
  return words !== key ? words : code || t('error.title');
}

// Shows an API error in the alert region: the code in words, the server's message, the field it names.
export function showError(err) {
  const field = err.field ? t('error.field', {field: err.field}) : '';
  replace(document.getElementById('errors'),
      h('p', {}, h('strong', {}, codeLabel(err.code)), ' — ', err.message || '', field ? ` (${field})` : ''));
}

export function announce(text) {
  const status = document.getElementById('status');
  status.textContent = '';
  // A fresh text node after a tick, so that the same words are read again.
  setTimeout(() => { status.textContent = text; }, 50);
}

export function renderChrome() {
  const role = session.role();
  const signedIn = Boolean(session.key());
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('nav.label'));
  const current = location.hash.replace(/^#\/?/, '');
  replace(nav, signedIn ? h('ul', {}, (NAV[role] || []).map(([path, label]) =>
    h('li', {}, h('a', {href: `#/${path}`, 'aria-current': current === path ? 'page' : null}, t(label))))) : null);
  const out = document.getElementById('sign-out');
  out.hidden = !signedIn;
  out.textContent = t('nav.signOut');
  const sw = document.getElementById('lang-switch');
  sw.textContent = t('lang.switch');
  sw.lang = lang() === 'fr' ? 'en' : 'fr';
  document.getElementById('skip-link').textContent = t('nav.skip');
}

let renderCount = 0;

async function render() {
  const main = document.getElementById('main');
  const found = match(location.hash);
  renderChrome();
  if (!session.key() && !(found && found.route.open)) {
    go('signin');
    return;
  }
  if (!found) {
    go(home());
    return;
  }
  const {route, params} = found;
  if (route.roles && !route.roles.includes(session.role())) {
    go(home());
    return;
  }
  clearError();
  const mine = ++renderCount;
  replace(main, h('p', {class: 'loading'}, t('loading')));
  try {
    await route.screen.render(main, params);
  } catch (err) {
    if (mine !== renderCount) return;
    replace(main, h('h1', {}, t('error.title')));
    showError(err);
  }
  // Focus the new screen's heading so that a screen reader starts there.
  const heading = main.querySelector('h1');
  if (heading && mine === renderCount) {
    heading.tabIndex = -1;
    heading.focus();
    document.title = `${heading.textContent} — Passerelle`;
  }
}

document.getElementById('lang-switch').addEventListener('click', () => {
  setLang(lang() === 'fr' ? 'en' : 'fr');
  render();
});
document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  go('signin');
  announce(t('signin.signedOut'));
});
window.addEventListener('hashchange', render);
render();
