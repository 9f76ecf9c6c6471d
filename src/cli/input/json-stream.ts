// Streaming split of a JSON text into top-level values, with the elements of a top-level array emitted one by
// one, so that a pretty-printed JSON array of any size is read with flat memory. Values are returned as text
// with the line they start on; parsing them is the caller's job. Used only when an input is not NDJSON.

export interface JsonPiece {
  readonly text: string;
  readonly line: number;
  /** Index within a top-level array, or null for a top-level value. */
  readonly index: number | null;
}

const enum Ch { LF = 10, QUOTE = 34, BACKSLASH = 92, COMMA = 44, OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91, CLOSE_BRACKET = 93 }

export class JsonSplitter {
  #buf: Buffer = Buffer.alloc(0);
  #pos = 0; // next byte to scan
  #start = -1; // start of the current piece, -1 when between pieces
  #startLine = 0;
  #line = 1;
  #depth = 0;
  #inString = false;
  #escape = false;
  /** Inside a top-level array: pieces are its elements, found at depth 1. */
  #inArray = false;
  #index = 0;

  /** Feed bytes; returns the pieces completed so far. */
  push(chunk: Buffer): JsonPiece[] {
    const keepFrom = this.#start === -1 ? this.#pos : this.#start;
    this.#buf = Buffer.concat([this.#buf.subarray(keepFrom), chunk]);
    this.#pos -= keepFrom;
    if (this.#start !== -1) this.#start -= keepFrom;
    return this.#scan();
  }

  /** End of input: whatever is left is an incomplete value. */
  end(): { pieces: JsonPiece[]; rest: { text: string; line: number } | null } {
    const pieces = this.#scan();
    const restFrom = this.#start === -1 ? this.#pos : this.#start;
    const text = this.#buf.toString('utf8', restFrom).trim();
    const rest = text === '' || (this.#inArray && text === ']') ? null : { text, line: this.#start === -1 ? this.#line : this.#startLine };
    return { pieces, rest };
  }

  #scan(): JsonPiece[] {
    const out: JsonPiece[] = [];
    const b = this.#buf;
    for (let i = this.#pos; i < b.length; i++) {
      const c = b[i]!;
      if (c === Ch.LF) this.#line++;
      if (this.#inString) {
        if (this.#escape) this.#escape = false;
        else if (c === Ch.BACKSLASH) this.#escape = true;
        else if (c === Ch.QUOTE) this.#inString = false;
        continue;
      }
      if (c === 32 || c === 9 || c === 13 || c === Ch.LF) {
        // whitespace ends a bare scalar piece (numbers, true/false/null)
        if (this.#start !== -1 && this.#depth === this.#baseDepth() && this.#scalar(b)) out.push(this.#take(i));
        continue;
      }
      if (!this.#inArray && this.#depth === 0 && this.#start === -1 && c === Ch.OPEN_BRACKET) {
        this.#inArray = true;
        this.#depth = 1;
        this.#index = 0;
        continue;
      }
      if (this.#inArray && this.#depth === 1 && this.#start === -1) {
        if (c === Ch.COMMA) continue;
        if (c === Ch.CLOSE_BRACKET) { this.#inArray = false; this.#depth = 0; continue; }
      }
      if (this.#start === -1) { this.#start = i; this.#startLine = this.#line; }
      if (c === Ch.QUOTE) this.#inString = true;
      else if (c === Ch.OPEN_BRACE || c === Ch.OPEN_BRACKET) this.#depth++;
      else if (c === Ch.CLOSE_BRACE || c === Ch.CLOSE_BRACKET) {
        if (this.#inArray && this.#depth === 1) { // `]` right after a scalar element
          out.push(this.#take(i));
          this.#inArray = false; this.#depth = 0; continue;
        }
        if (this.#depth > this.#baseDepth()) this.#depth--;
        if (this.#depth === this.#baseDepth()) out.push(this.#take(i + 1));
      } else if (c === Ch.COMMA && this.#inArray && this.#depth === 1) {
        out.push(this.#take(i));
      }
    }
    this.#pos = b.length;
    return out;
  }

  #baseDepth(): number {
    return this.#inArray ? 1 : 0;
  }

  #scalar(b: Buffer): boolean {
    const first = b[this.#start]!;
    return first !== Ch.OPEN_BRACE && first !== Ch.OPEN_BRACKET && first !== Ch.QUOTE;
  }

  #take(end: number): JsonPiece {
    const piece = { text: this.#buf.toString('utf8', this.#start, end), line: this.#startLine, index: this.#inArray ? this.#index++ : null };
    this.#start = -1;
    return piece;
  }
}
