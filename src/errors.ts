// Every error this project raises on purpose. Each carries a stable `code` so callers can branch without
// parsing messages, and the data that says where the problem is.

export class AuditForwarderError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A structured field error: kube-apiserver's field.Error (apimachinery pkg/util/validation/field/errors.go). */
export interface FieldError {
  /** kube's path: `rules[0].level`, `rules[1].resources.group` (no index there, as upstream). */
  readonly path: string;
  readonly type: 'Required' | 'Invalid' | 'NotSupported';
  /** The full printed form, byte for byte as kube-apiserver prints it. */
  readonly message: string;
  /** A more precise location when kube's path omits it (e.g. `rules[1].resources[2].group`). */
  readonly location?: string;
}

/**
 * A policy that cannot be loaded: decoding, version, validation or rule-count errors. The message is the text
 * kube-apiserver prints for the same document (pkg/audit/policy/reader.go), so users can search for it.
 */
export class PolicyError extends AuditForwarderError {
  /** Validation errors, when the failure was validation (empty otherwise). */
  readonly errors: readonly FieldError[];
  constructor(message: string, errors: readonly FieldError[] = [], options?: { cause?: unknown }) {
    super('POLICY_INVALID', message, options);
    this.errors = errors;
  }
}

/** A configuration problem (environment variable or flag); names the variable. */
export class ConfigError extends AuditForwarderError {
  readonly variable: string;
  constructor(variable: string, message: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', message, options);
    this.variable = variable;
  }
}

/** An object could not be stored; the handler lets it escape so the trigger retries the batch. */
export class StorageWriteError extends AuditForwarderError {
  readonly key: string;
  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super('STORAGE_WRITE_FAILED', message, options);
    this.key = key;
  }
}
