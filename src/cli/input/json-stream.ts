// Streaming split of a JSON text into records, with flat memory whatever the size of the document:
//   - top-level values (one after another, on any lines) are pieces;
//   - the elements of a top-level array are pieces, one by one;
//   - the items of a top-level EventList are pieces, one by one — when its "kind": "EventList" comes before its
//     "items", which is how kube-apiserver (Go's encoder, in struct order) writes it; otherwise the EventList is
//     one piece and is read whole.
// Text is kept only for the piece being read (the input chunks it spans), and bytes are scanned once. Pieces are
// returned as text with the line they start on; parsing them is the caller's job.

export interface JsonPiece {
  readonly text: string;
  readonly line: number;
  /** Index within a top-level array or an EventList's items; null for a top-level value. */
  readonly index: number | null;
  /** Where the piece sat: a top-level array, an EventList's items, or the top level. */
  readonly container: 'array' | 'items' | null;
}

const LF = 10, QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58;
const OPEN_BRACE = 123, CLOSE_BRACE = 125, OPEN_BRACKET = 91, CLOSE_BRACKET = 93;

interface Position { chunk: number; offset: number }

export class JsonSplitter {
  /** The input from the chunk that holds the start of whatever is being kept (piece or key) onwards. */
  #chunks: Buffer[] = [];
  #pieceStart: Position | null = null;
  #pieceLine = 0;
  #line = 1;
  #depth = 0;
  #inString = false;
  #escape = false;
  /** Where pieces are: top level, elements of a top-level array (depth 1), items of an EventList (depth 2). */
  #mode: 'top' | 'array' | 'items' | 'rest' = 'top';
  #index = 0;
  // Inside a top-level object (depth 1): which member we are at, to find "kind": "EventList" then "items": [.
  #expect: 'key' | 'colon' | 'value' | 'comma' = 'key';
  #key: string | null = null;
  #stringStart: Position | null = null;
  #isEventList = false;

  /** Feed bytes; returns the pieces completed so far. */
  push(chunk: Buffer): JsonPiece[] {
    this.#chunks.push(chunk);
    const out: JsonPiece[] = [];
    const c = this.#chunks.length - 1;
    for (let i = 0; i < chunk.length; i++) this.#byte(chunk[i]!, c, i, out);
    this.#forget();
    return out;
  }

  /** End of input: the pieces still complete, and whatever is left as an incomplete value. */
  end(): { pieces: JsonPiece[]; rest: { text: string; line: number } | null } {
    const out: JsonPiece[] = [];
    if (this.#pieceStart !== null && this.#depth === this.#base() && !this.#inString) out.push(this.#take(this.#endPosition()));
    if (this.#pieceStart === null && this.#depth === 0) return { pieces: out, rest: null };
    const text = this.#pieceStart === null ? '' : this.#text(this.#pieceStart, this.#endPosition()).trim();
    return { pieces: out, rest: { text, line: this.#pieceStart === null ? this.#line : this.#pieceLine } };
  }

  /** One byte, at offset i of chunk c. Positions are made into objects only when they are kept. */
  #byte(b: number, c: number, i: number, out: JsonPiece[]): void {
    if (b === LF) this.#line++;
    if (this.#inString) {
      if (this.#escape) this.#escape = false;
      else if (b === BACKSLASH) this.#escape = true;
      else if (b === QUOTE) { this.#inString = false; if (this.#stringStart !== null) this.#stringEnded({ chunk: c, offset: i }); }
      return;
    }
    const at = { chunk: c, offset: i };
    if (b === 32 || b === 9 || b === 13 || b === LF) {
      // Whitespace ends a bare scalar piece (a number, true, false, null) at the piece level.
      if (this.#pieceStart !== null && this.#depth === this.#base() && this.#scalarPiece()) out.push(this.#take(at));
      return;
    }
    // Between pieces: structure of the container itself.
    if (this.#pieceStart === null && this.#depth === this.#base()) {
      if (this.#mode === 'top' && b === OPEN_BRACKET) { this.#mode = 'array'; this.#depth = 1; this.#index = 0; return; }
      if (this.#mode !== 'top' && b === COMMA) return;
      if (this.#mode !== 'top' && b === CLOSE_BRACKET) { this.#closeContainer(); return; }
      this.#pieceStart = at;
      this.#pieceLine = this.#line;
      if (this.#mode === 'top' && b === OPEN_BRACE) { this.#depth = 1; this.#expect = 'key'; this.#key = null; this.#isEventList = false; return; }
    } else if (this.#mode === 'rest') {
      // The members of an EventList after its items: skipped up to the list's end.
      if (b === QUOTE) this.#inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.#depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) { if (--this.#depth === 0) { this.#mode = 'top'; this.#pieceStart = null; } }
      return;
    } else if (this.#mode === 'top' && this.#depth === 1 && this.#member(b)) {
      return;
    }
    if (b === QUOTE) { this.#inString = true; if (this.#mode === 'top' && this.#depth === 1) this.#stringStart = at; return; }
    if (b === OPEN_BRACE || b === OPEN_BRACKET) { this.#depth++; return; }
    if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      if (this.#mode !== 'top' && this.#depth === this.#base()) { out.push(this.#take(at)); this.#closeContainer(); return; } // after a scalar element
      if (this.#depth > this.#base()) this.#depth--;
      if (this.#depth === this.#base()) out.push(this.#take(this.#after(at)));
      else if (this.#mode === 'top' && this.#depth === 1) this.#expect = 'comma';
      return;
    }
    if (b === COMMA && this.#mode !== 'top' && this.#depth === this.#base()) out.push(this.#take(at));
  }

  /** Bytes at depth 1 of a top-level object: tracks members; true when the byte was fully handled here. */
  #member(b: number): boolean {
    if (b === COLON && this.#expect === 'colon') { this.#expect = 'value'; return true; }
    if (b === COMMA) { this.#expect = 'key'; return true; }
    if (this.#expect === 'value' && b === OPEN_BRACKET && this.#key === 'items' && this.#isEventList) {
      // Stream the items: the EventList itself is not a piece any more.
      this.#pieceStart = null;
      this.#mode = 'items';
      this.#depth = 2;
      this.#index = 0;
      return true;
    }
    if (this.#expect === 'value' && b !== QUOTE) this.#expect = 'comma';
    return false;
  }

  #stringEnded(at: Position): void {
    if (this.#stringStart === null) return;
    const raw = this.#text(this.#stringStart, this.#after(at));
    this.#stringStart = null;
    let value: unknown;
    try { value = JSON.parse(raw); } catch { value = null; }
    if (this.#expect === 'key') { this.#key = typeof value === 'string' ? value : null; this.#expect = 'colon'; return; }
    if (this.#expect === 'value') {
      if (this.#key === 'kind' && value === 'EventList') this.#isEventList = true;
      this.#expect = 'comma';
    }
  }

  #closeContainer(): void {
    if (this.#mode === 'items') { this.#mode = 'rest'; this.#depth = 1; this.#expect = 'comma'; return; }
    this.#mode = 'top';
    this.#depth = 0;
  }

  #base(): number {
    return this.#mode === 'array' ? 1 : this.#mode === 'items' ? 2 : 0;
  }

  #scalarPiece(): boolean {
    const first = this.#chunks[this.#pieceStart!.chunk]![this.#pieceStart!.offset]!;
    return first !== OPEN_BRACE && first !== OPEN_BRACKET && first !== QUOTE;
  }

  #take(end: Position): JsonPiece {
    const container = this.#mode === 'array' ? 'array' : this.#mode === 'items' ? 'items' : null;
    const piece: JsonPiece = { text: this.#text(this.#pieceStart!, end), line: this.#pieceLine, index: container === null ? null : this.#index++, container };
    this.#pieceStart = null;
    return piece;
  }

  /** Text from start (inclusive) to end (exclusive). */
  #text(start: Position, end: Position): string {
    if (start.chunk === end.chunk) return this.#chunks[start.chunk]!.toString('utf8', start.offset, end.offset);
    const parts = [this.#chunks[start.chunk]!.subarray(start.offset)];
    for (let c = start.chunk + 1; c < end.chunk; c++) parts.push(this.#chunks[c]!);
    parts.push(this.#chunks[end.chunk]!.subarray(0, end.offset));
    return Buffer.concat(parts).toString('utf8');
  }

  #after(at: Position): Position {
    return { chunk: at.chunk, offset: at.offset + 1 };
  }

  #endPosition(): Position {
    const last = this.#chunks.length - 1;
    return { chunk: last, offset: last < 0 ? 0 : this.#chunks[last]!.length };
  }

  /** Drop the chunks before anything still needed. */
  #forget(): void {
    const keep = Math.min(this.#pieceStart?.chunk ?? Infinity, this.#stringStart?.chunk ?? Infinity);
    const drop = keep === Infinity ? this.#chunks.length - 1 : keep;
    if (drop <= 0) return;
    this.#chunks = this.#chunks.slice(drop);
    if (this.#pieceStart !== null) this.#pieceStart = { chunk: this.#pieceStart.chunk - drop, offset: this.#pieceStart.offset };
    if (this.#stringStart !== null) this.#stringStart = { chunk: this.#stringStart.chunk - drop, offset: this.#stringStart.offset };
  }
}
