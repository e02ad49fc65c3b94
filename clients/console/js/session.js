// The organisation's key lives only in sessionStorage: it goes when the tab closes or on sign-out, and is
// never written to localStorage, a cookie or a URL.
const KEY_ITEM = 'passerelle.key';
const ROLE_ITEM = 'passerelle.role';

export function key() {
  return sessionStorage.getItem(KEY_ITEM) || '';
}

export function role() {
  return sessionStorage.getItem(ROLE_ITEM) || '';
}

export function signIn(apiKey, callerRole) {
  sessionStorage.setItem(KEY_ITEM, apiKey);
  sessionStorage.setItem(ROLE_ITEM, callerRole);
}

export function signOut() {
  sessionStorage.removeItem(KEY_ITEM);
  sessionStorage.removeItem(ROLE_ITEM);
}
