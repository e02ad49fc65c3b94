// The gateway's HTTP/JSON API (docs/api.md): one function per rpc the console uses. Requests are sent in
// the proto3 JSON mapping with lowerCamelCase names; answers are read with either naming (the mapping
// allows both), 64-bit integers arrive as strings.
import * as session from './session.js';
import {lang} from './i18n.js';

// Every rpc goes through the gateway's generic route, POST /v1/rpc/{service}/{method} with the request as
// the body, so that the console needs no second copy of the gateway's resource paths.
const SERVICE = 'passerelle.v1.Matching';

export class ApiError extends Error {
  constructor(httpStatus, code, message, field) {
    super(message);
    this.httpStatus = httpStatus;  // 0 when the gateway could not be reached
    this.code = code;              // gRPC code name, e.g. "INVALID_ARGUMENT"
    this.field = field;            // path of the offending field, "" when none
  }
}

const CODE_BY_HTTP = {400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS', 412: 'FAILED_PRECONDITION', 429: 'RESOURCE_EXHAUSTED', 499: 'CANCELLED',
  503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED'};

// snake_case keys to lowerCamelCase, recursively: one spelling for the screens.
export function camel(value) {
  if (Array.isArray(value)) return value.map(camel);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    out[k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())] = camel(v);
  }
  return out;
}

// The field an error is about: the structured details first (BadRequest field violations), else the
// path the server's message starts with ("candidate.commune_insee: unknown ...").
function fieldOf(body, message) {
  const details = body.details || [];
  for (const detail of details) {
    const violations = detail.fieldViolations || [];
    if (violations.length && violations[0].field) return violations[0].field;
  }
  if (body.field) return body.field;
  const m = /^([A-Za-z_][\w.]*(\[\d+\])?(\.[\w]+(\[\d+\])?)*): /.exec(message || '');
  return m ? m[1] : '';
}

async function errorFrom(response) {
  let body = {};
  try {
    body = camel(JSON.parse(await response.text()));
  } catch (_) { /* not JSON: the status line says enough */ }
  if (body.error && typeof body.error === 'object') body = body.error;
  const message = body.message || response.statusText || `HTTP ${response.status}`;
  const code = (typeof body.status === 'string' && body.status) ||
      (typeof body.code === 'string' && body.code) || CODE_BY_HTTP[response.status] || `HTTP_${response.status}`;
  return new ApiError(response.status, code, message, fieldOf(body, message));
}

async function post(method, request, {service = SERVICE, lines = false} = {}) {
  let response;
  try {
    response = await fetch(`/v1/rpc/${service}/${method}`, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'Authorization': `Bearer ${session.key()}`},
      body: JSON.stringify(request || {}),
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, 'UNAVAILABLE', String(err.message || err), '');
  }
  if (!response.ok) throw await errorFrom(response);
  const text = await response.text();
  if (!lines) return camel(text ? JSON.parse(text) : {});
  // A server-streaming rpc: JSON Lines (or a JSON array), one message each.
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return camel(JSON.parse(trimmed));
  const messages = trimmed.split('\n').filter((l) => l.trim()).map((l) => camel(JSON.parse(l)));
  // A stream that failed midway ends with an error object instead of a message.
  const last = messages[messages.length - 1];
  if (last && last.error && typeof last.error === 'object') {
    const e = last.error;
    throw new ApiError(response.status, e.status || e.code || 'UNKNOWN', e.message || '', fieldOf(e, e.message));
  }
  return messages;
}

export const getCandidate = (id, owner = '') => post('GetCandidate', {candidateId: id, candidateOwner: owner});
export const putCandidate = (candidate) => post('PutCandidate', {candidate});
export const listCandidates = (filter, pageSize = 50, pageToken = '') =>
  post('ListCandidates', {pageSize, pageToken, filter});
export const getOpening = (id, owner = '') => post('GetOpening', {openingId: id, openingOwner: owner});
export const listOpenings = (filter, pageSize = 50, pageToken = '') =>
  post('ListOpenings', {pageSize, pageToken, filter});
// The server writes reasons in the language asked only (ReasonLanguage): the console's, read at each call,
// so that switching language and re-rendering fetches the reasons in the new one.
const language = () => (lang() === 'en' ? 'REASON_LANGUAGE_EN' : 'REASON_LANGUAGE_FR');
export const matchOpenings = (candidateId, candidateOwner, k = 10, nearMisses = 5) =>
  post('MatchOpenings', {candidateId, candidateOwner, k, nearMisses, explain: true, language: language()});
export const matchCandidates = (openingId, openingOwner, k = 10, nearMisses = 5) =>
  post('MatchCandidates', {openingId, openingOwner, k, nearMisses, explain: true, language: language()});
export const explain = (candidateId, openingId, candidateOwner = '', openingOwner = '') =>
  post('Explain', {candidateId, openingId, candidateOwner, openingOwner, language: language()});
export const lookupOccupations = (query, limit = 8) => post('LookupOccupations', {query, limit});
export const lookupCommunes = (query, limit = 8) => post('LookupCommunes', {query, limit});
export const listScoringProfiles = () => post('ListScoringProfiles', {});
// The key's own organisation, role and allowed rpcs (Access.WhoAmI).
export const whoAmI = () => post('WhoAmI', {}, {service: 'passerelle.v1.Access'});
export const assign = (request) => post('Assign', request);
export const rerank = (request) => post('Rerank', request, {lines: true});
// POEC cohorts (Matching.FormCohorts): a server stream of progress messages then one result; the
// answer is the last message's result.
export async function formCohorts(request) {
  const messages = await post('FormCohorts', request, {lines: true});
  const last = messages.filter((m) => m.result).pop();
  return last ? last.result : {};
}

// Integers of 64 bits arrive as strings; numbers of the answer as numbers.
export function num(value) {
  if (value === undefined || value === null || value === '') return 0;
  return Number(value);
}
