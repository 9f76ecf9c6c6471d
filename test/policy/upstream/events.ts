// Turns an upstream-style request description (the authorizer.AttributesRecord that kube-apiserver's own
// policy tests build) into the smallest audit.k8s.io/v1 Event our engine accepts.
//
// Upstream tests evaluate a policy against request *attributes*. We evaluate it against logged *events*, and
// the engine recovers the attributes from the event as the spec says (docs/audit-policy-semantics.md §5.3):
//   user        ← event.user ({} = no user)
//   verb        ← event.verb
//   resource?   ← event.objectRef is present
//   group/resource/subresource/namespace/name ← objectRef, except that for create and update the namespace and
//                 name are parsed from requestURI (§5.2), because the apiserver fills objectRef from the body
//                 only after the policy was evaluated.
//   path        ← requestURI without the query, percent-decoded (non-resource requests).
// So the event below carries every attribute in objectRef *and* a requestURI that a real apiserver would have
// logged for that request, with the namespace and name in the URL.
import type { AuditEvent, Level, ObjectReference, Stage } from '../../../src/event/types';

/** An authenticated user (authentication.k8s.io UserInfo); `null` is "no user" (failed authentication). */
export interface RequestUser {
  readonly name: string;
  readonly groups?: readonly string[];
}

interface RequestBase {
  readonly user: RequestUser | null;
  readonly verb: string;
}

/** A request for an API resource: apiGroup "" is the core group. */
export interface ResourceRequest extends RequestBase {
  readonly apiGroup?: string;
  /** Defaults to "v1". */
  readonly apiVersion?: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** A request for a non-resource URL such as /healthz or /logs/kubelet.log. */
export interface NonResourceRequest extends RequestBase {
  /** The decoded URL path, without a query. */
  readonly path: string;
}

export type RequestDescription = ResourceRequest | NonResourceRequest;

export interface EventOptions {
  readonly level?: Level;
  readonly stage?: Stage;
}

export function isNonResourceRequest(request: RequestDescription): request is NonResourceRequest {
  return 'path' in request;
}

/**
 * Builds the audit event a kube-apiserver would log for `request`, at level RequestResponse and stage
 * ResponseComplete unless `options` says otherwise.
 *
 * @example
 * eventFor({ user: { name: 'tim', groups: ['humans'] }, verb: 'get', resource: 'pods', namespace: 'default', name: 'busybox' })
 * // → { …, verb: 'get', requestURI: '/api/v1/namespaces/default/pods/busybox',
 * //     objectRef: { resource: 'pods', namespace: 'default', name: 'busybox', apiVersion: 'v1' } }
 */
export function eventFor(request: RequestDescription, options: EventOptions = {}): AuditEvent {
  const event: AuditEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: options.level ?? 'RequestResponse',
    auditID: '00000000-0000-4000-8000-000000000000',
    stage: options.stage ?? 'ResponseComplete',
    requestURI: isNonResourceRequest(request) ? escapePath(request.path) : resourceRequestURI(request),
    verb: request.verb,
    user: userInfo(request.user),
    sourceIPs: ['10.0.0.1'],
    userAgent: 'upstream-test/1.0',
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2026-01-01T00:00:00.000000Z',
    stageTimestamp: '2026-01-01T00:00:00.001000Z',
  };
  if (!isNonResourceRequest(request)) {
    event.objectRef = objectRef(request);
  }
  return event;
}

function userInfo(user: RequestUser | null): AuditEvent['user'] {
  if (user === null) {
    return {}; // how a log writes "no user" (filters/authn_audit.go)
  }
  return user.groups === undefined ? { username: user.name } : { username: user.name, groups: [...user.groups] };
}

/** objectRef as pkg/audit/request.go writes it: every empty field omitted, no apiGroup for the core group. */
function objectRef(request: ResourceRequest): ObjectReference {
  const ref: ObjectReference = { resource: request.resource };
  if (request.namespace) ref.namespace = request.namespace;
  if (request.name) ref.name = request.name;
  if (request.apiGroup) ref.apiGroup = request.apiGroup;
  ref.apiVersion = request.apiVersion ?? 'v1';
  if (request.subresource) ref.subresource = request.subresource;
  return ref;
}

/**
 * The URL a client uses for this request, so that the RequestInfo parse of it (requestinfo.go, spec §5.2)
 * gives back the same namespace, resource, name and subresource. Upstream test attributes sometimes have a
 * subresource without a name (e.g. `nodes/status` in the GCE test); that URL gets an empty name segment
 * (`/api/v1/nodes//status`), which RequestInfo's split also reads as name "" and subresource "status".
 */
export function resourceRequestURI(request: ResourceRequest): string {
  const version = request.apiVersion ?? 'v1';
  const segments: string[] = request.apiGroup ? ['apis', request.apiGroup, version] : ['api', version];
  const namespace = request.namespace ?? '';
  const name = request.name ?? '';
  if (request.resource === 'namespaces') {
    // A Namespace object lives at /api/v1/namespaces/{name}, and RequestInfo reads that {name} as the
    // namespace too. A description whose namespace differs cannot be written as a URL.
    const parsedNamespace = name; // what the engine reads back from the URL for create and update
    const mustMatch = request.verb === 'create' || request.verb === 'update' ? name !== '' : namespace !== '';
    if (mustMatch && namespace !== parsedNamespace) {
      throw new Error(`a namespaces request with name "${name}" cannot have namespace "${namespace}"`);
    }
  } else if (namespace !== '') {
    segments.push('namespaces', namespace);
  }
  segments.push(request.resource);
  if (name !== '' || request.subresource) {
    segments.push(name);
  }
  if (request.subresource) {
    segments.push(request.subresource);
  }
  return '/' + segments.map(escapeSegment).join('/') + query(request);
}

/** list and watch of a single object use a metadata.name field selector (requestinfo.go, spec §5.2). */
function query(request: ResourceRequest): string {
  const selector = request.name ? `fieldSelector=${encodeURIComponent(`metadata.name=${request.name}`)}` : '';
  if (request.verb === 'watch') {
    return selector ? `?${selector}&watch=true` : '?watch=true';
  }
  if (request.verb === 'list' && selector) {
    return `?${selector}`;
  }
  return '';
}

/** Go's url.URL.EscapedPath(): sub-delims, ':' and '@' stay as they are; everything else unsafe is %XX. */
function escapeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(24|26|2B|2C|3A|3B|3D|40)/gi, (escaped) =>
    decodeURIComponent(escaped),
  );
}

function escapePath(path: string): string {
  return path.split('/').map(escapeSegment).join('/');
}
