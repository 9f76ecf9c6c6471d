// What kube-apiserver's RequestInfo would have read from a request URI.
// Port of kubernetes/apiserver pkg/endpoints/request/requestinfo.go NewRequestInfo (L127-274), limited to what
// the audit policy needs from a logged requestURI: the decoded path, and the namespace and name in the URL.

/** The URL path of a requestURI: the part before `?`, percent-decoded as Go's URL.Path is. */
export function requestPath(requestURI: string): string {
  const q = requestURI.indexOf('?');
  const escaped = q === -1 ? requestURI : requestURI.slice(0, q);
  return escaped.includes('%') ? percentDecode(escaped) : escaped;
}

/** Percent-decoding of a URL path (`+` stays `+`); a malformed escape leaves the input as it is. */
export function percentDecode(s: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(s)) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 /* % */ && i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Multi-byte characters already in the string: re-encode them as UTF-8.
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length - 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export interface UrlTarget {
  namespace: string;
  name: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const SPECIAL_VERBS = new Set(['proxy', 'watch']);

/**
 * The namespace and name a resource request's URL names, or null when the URL is not a resource URL
 * (`/api/{version}/...` or `/apis/{group}/{version}/...`). Hand-rolled over the path's segments: this runs for
 * every create and update on the hot path.
 */
export function urlTarget(requestURI: string): UrlTarget | null {
  const parts = new Segments(requestPath(requestURI));
  if (parts.length < 3) return null;
  let i: number;
  if (parts.at(0) === 'api') i = 2; // api/{version}
  else if (parts.at(0) === 'apis' && parts.length >= 4) i = 3; // apis/{group}/{version}
  else return null;
  // Deprecated /{watch|proxy}/ forms put the verb before the resource.
  if (SPECIAL_VERBS.has(parts.at(i)) && parts.length - i >= 2) i++;
  let namespace = '';
  if (parts.at(i) === 'namespaces' && parts.length - i > 1) {
    namespace = parts.at(i + 1);
    if (parts.length - i > 2 && !NAMESPACE_SUBRESOURCES.has(parts.at(i + 2))) i += 2;
  }
  return { namespace, name: parts.length - i > 1 ? parts.at(i + 1) : '' };
}

/** Go's splitPath (requestinfo.go): the path trimmed of '/' on both ends, split on '/'; empty -> no segments. */
class Segments {
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  readonly #path: string;
  constructor(path: string) {
    this.#path = path;
    let from = 0;
    let to = path.length;
    while (from < to && path.charCodeAt(from) === 0x2f) from++;
    while (to > from && path.charCodeAt(to - 1) === 0x2f) to--;
    if (from === to) return;
    for (let s = from; ;) {
      const slash = path.indexOf('/', s);
      const e = slash === -1 || slash > to ? to : slash;
      this.#starts.push(s);
      this.#ends.push(e);
      if (e === to) break;
      s = e + 1;
    }
  }

  get length(): number {
    return this.#starts.length;
  }

  at(i: number): string {
    return i < this.#starts.length ? this.#path.slice(this.#starts[i], this.#ends[i]) : '';
  }
}
