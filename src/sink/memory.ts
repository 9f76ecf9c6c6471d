import type { PutRequest, Sink } from './types';

/** Objects kept in a Map, by key: the unit tests' sink. A put to an existing key overwrites, as S3 does. */
export class MemorySink implements Sink {
  readonly description = 'memory';
  readonly objects = new Map<string, PutRequest>();
  puts = 0;
  /** When set, every put fails with this error (to test failure handling). */
  failWith: Error | null = null;

  async put(request: PutRequest): Promise<void> {
    this.puts++;
    if (this.failWith !== null) throw this.failWith;
    this.objects.set(request.key, request);
  }
}
