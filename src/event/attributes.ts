// The request attributes kube-apiserver's audit policy saw, recovered from a logged event.
// Upstream evaluates the policy on authorizer.Attributes built by GetAuthorizerAttributes
// (pkg/endpoints/filters/authorization.go L100-124) from RequestInfo and the *authenticated* user, before
// impersonation (pkg/server/config.go DefaultBuildHandlerChain). The mapping is spec §5.3.
import { requestPath, urlTarget } from './request-uri';
import type { AuditEvent } from './types';

export interface RequestUser {
  readonly name: string;
  readonly groups: readonly string[];
}

export interface RequestAttributes {
  /** null when the request was not authenticated (logged as `user: {}`). */
  readonly user: RequestUser | null;
  readonly verb: string;
  readonly resourceRequest: boolean;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource: string;
  /** "" when the URL has no `namespaces/{ns}` part. */
  readonly namespace: string;
  /** "" when the URL names no object (list, create on a collection, ...). */
  readonly name: string;
  /** Decoded URL path without the query; "" for resource requests, which never match by path. */
  readonly path: string;
}

const NO_GROUPS: readonly string[] = Object.freeze([]);

export function requestAttributes(event: AuditEvent): RequestAttributes {
  const verb = typeof event.verb === 'string' ? event.verb : '';
  const uri = typeof event.requestURI === 'string' ? event.requestURI : '';
  const ref = event.objectRef;
  const user = requestUser(event.user);
  if (ref === undefined || ref === null || typeof ref !== 'object') {
    return { user, verb, resourceRequest: false, apiGroup: '', resource: '', subresource: '', namespace: '', name: '', path: requestPath(uri) };
  }
  let namespace = stringOr(ref.namespace);
  let name = stringOr(ref.name);
  // For create and update, LogRequestObject (pkg/audit/request.go L129-142) fills an empty objectRef
  // namespace/name from the request body *after* the policy was evaluated on the URL's values.
  if (verb === 'create' || verb === 'update') {
    const target = urlTarget(uri);
    if (target !== null) ({ namespace, name } = target);
  }
  return {
    user,
    verb,
    resourceRequest: true,
    apiGroup: stringOr(ref.apiGroup),
    resource: stringOr(ref.resource),
    subresource: stringOr(ref.subresource),
    namespace,
    name,
    path: '',
  };
}

// A logged `{}` is the nil user of a failed authentication (filters/authn_audit.go). An authenticated user
// always has a name or groups, so "neither" reads as "no user" (spec §8.1).
function requestUser(user: AuditEvent['user']): RequestUser | null {
  if (user === undefined || user === null || typeof user !== 'object') return null;
  const name = typeof user.username === 'string' ? user.username : '';
  const groups = Array.isArray(user.groups) ? user.groups : NO_GROUPS;
  if (name === '' && groups.length === 0) return null;
  return { name, groups };
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
