// Where objects go. The handler and the CLI hold a Sink; production uses S3 (Object Storage), the CLI a
// directory, unit tests memory — all through this one interface.

export interface PutRequest {
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly contentEncoding?: string | undefined;
  /** COLD by default; the directory and memory sinks record it. */
  readonly storageClass: string;
}

export interface PutOptions {
  /** Abort the upload when this signal fires (the function's remaining time). */
  readonly signal?: AbortSignal;
}

export interface Sink {
  put(request: PutRequest, options?: PutOptions): Promise<void>;
  /** Human description for logs and summaries: `s3://bucket`, `dir:./out`. Never contains credentials. */
  readonly description: string;
}
