// Sign-in with an organisation's API key. The key is checked by Access.WhoAmI, which any role may call and
// which states the key's role; the screens offered follow from it (the server decides anyway: a screen a
// key may not use only ever gets PERMISSION_DENIED).
import {h, replace} from '../dom.js';
import {t} from '../i18n.js';
import * as api from '../api.js';
import * as session from '../session.js';
import {go, home, showError, clearError, announce, renderChrome} from '../app.js';

// The screens a key gets, from the role the server states (Access.WhoAmI): counsellor screens for
// counsellors and readers (a reader's writes are refused by the server), employer screens for employers;
// batch and admin keys have no screen here.
async function roleOfKey() {
  const me = await api.whoAmI();
  if (me.role === 'counsellor' || me.role === 'reader') return 'counsellor';
  if (me.role === 'employer') return 'employer';
  return '';
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
