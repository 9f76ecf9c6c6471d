// The audit.k8s.io/v1 Event as it appears in a JSON audit log.
// Field names and optionality follow kubernetes/apiserver pkg/apis/audit/v1/types.go (Event, L72-146).

/** Audit levels, in increasing order of detail (pkg/apis/audit/v1/types.go L37-49). */
export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type Level = (typeof LEVELS)[number];

/** Request stages (pkg/apis/audit/v1/types.go L54-67). */
export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type Stage = (typeof STAGES)[number];

const LEVEL_RANK: Readonly<Record<string, number>> = { None: 0, Metadata: 1, Request: 2, RequestResponse: 3 };

/**
 * Rank of a level: None(0) < Metadata(1) < Request(2) < RequestResponse(3).
 * Any other string ranks as None, as in pkg/apis/audit/helpers.go L19-30.
 */
export function levelRank(level: string): number {
  return LEVEL_RANK[level] ?? 0;
}

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(LEVEL_RANK, value);
}

export function isStage(value: unknown): value is Stage {
  return value === 'RequestReceived' || value === 'ResponseStarted' || value === 'ResponseComplete' || value === 'Panic';
}

/** authentication.k8s.io/v1 UserInfo. `{}` in a log means "no user" (failed authentication). */
export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

/** One audit event. Unknown fields are kept as they are. */
export interface AuditEvent {
  kind?: 'Event';
  apiVersion?: string;
  level: Level;
  auditID?: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user?: UserInfo;
  impersonatedUser?: UserInfo;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: ObjectReference;
  responseStatus?: Record<string, unknown>;
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}
