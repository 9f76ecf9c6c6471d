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
 * (`/api/{version}/...` or `/apis/{group}/{version}/...`).
 */
export function urlTarget(requestURI: string): UrlTarget | null {
  const parts = splitPath(requestPath(requestURI));
  let i: number;
  if (parts.length < 3) return null;
  if (parts[0] === 'api') i = 2; // api/{version}
  else if (parts[0] === 'apis' && parts.length >= 4) i = 3; // apis/{group}/{version}
  else return null;
  // Deprecated /{watch|proxy}/ forms put the verb before the resource.
  if (SPECIAL_VERBS.has(parts[i]!) && parts.length - i >= 2) i++;
  let rest = parts.slice(i);
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1]!;
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  return { namespace, name: rest[1] ?? '' };
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}
