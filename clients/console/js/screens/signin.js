// Sign-in with an organisation's API key. The key is checked by a call any role may make; the screens
// offered then follow from what the key may do (the API has no "who am I" call, and the server decides
// anyway: a screen a key may not use only ever gets PERMISSION_DENIED).
import {h, replace} from '../dom.js';
import {t} from '../i18n.js';
import * as api from '../api.js';
import * as session from '../session.js';
import {go, home, showError, clearError, announce, renderChrome} from '../app.js';

// counsellor (or reader) when SearchOpenings is allowed, employer when only ListOpenings is.
async function roleOfKey() {
  try {
    await api.searchOpenings({});
    return 'counsellor';
  } catch (err) {
    if (err.code !== 'PERMISSION_DENIED') return 'counsellor';  // allowed: the empty profile is refused
  }
  try {
    await api.listOpenings({}, 1);
    return 'employer';
  } catch (err) {
    if (err.code === 'PERMISSION_DENIED') return '';
    throw err;
  }
}

async function submit(event) {
  event.preventDefault();
  const form = event.target;
  const input = form.querySelector('#api-key');
  const value = input.value.trim();
  clearError();
  if (!value) {
    input.setAttribute('aria-invalid', 'true');
    showError({code: 'INVALID_ARGUMENT', message: t('signin.empty'), field: t('signin.key')});
    input.focus();
    return;
  }
  session.signIn(value, '');
  try {
    await api.listScoringProfiles();
    const role = await roleOfKey();
    if (!role) {
      session.signOut();
      renderChrome();
      showError({code: 'PERMISSION_DENIED', message: t('signin.wrongRole'), field: ''});
      return;
    }
    session.signIn(value, role);
    announce(t('signin.done'));
    go(home());
  } catch (err) {
    session.signOut();
    renderChrome();
    input.setAttribute('aria-invalid', 'true');
    showError(err.code === 'UNAUTHENTICATED' ? {...err, message: t('signin.refused'), field: ''} : err);
    input.focus();
  }
}

export async function render(main) {
  if (session.key()) {
    go(home());
    return;
  }
  replace(main,
      h('h1', {}, t('signin.title')),
      h('p', {class: 'lead'}, t('signin.intro')),
      h('form', {class: 'card narrow', onsubmit: submit, id: 'signin-form'},
          h('label', {for: 'api-key'}, t('signin.key')),
          h('input', {id: 'api-key', name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false',
            required: true, 'aria-describedby': 'api-key-help'}),
          h('p', {id: 'api-key-help', class: 'help'}, t('signin.help')),
          h('button', {type: 'submit', class: 'primary'}, t('signin.submit'))));
}
