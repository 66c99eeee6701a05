// Sequence numbers as the notes write them: a number (`1001`), or an unknown origin plus an offset
// (`x+1`). Arithmetic is modulo 2^32 and comparisons use serial-number arithmetic (RFC 9293 3.4),
// so a connection may wrap around.

/** Reduces an integer modulo 2^32 into [0, 2^32). */
export function mod32(n: number): number {
  // ToUint32 is exactly that for an integer (sequence numbers, lengths and offsets all are): one
  // machine operation, where `%` on a number this large is a division.
  return n >>> 0;
}

/** The signed difference a - b of two 32-bit sequence numbers (serial arithmetic, RFC 9293 3.4). */
export function serialDiff(a: number, b: number): number {
  // ToInt32 of an integer is it modulo 2^32, in [-2^31, 2^31): the serial difference.
  return (a - b) | 0;
}

/**
 * An unknown origin in one sequence space: an ISS nobody wrote down, or the position a variable
 * names. It may later be fixed to a number (`ack=101` where `x+1` was expected fixes x = 100) or,
 * when it was never named, merged into another origin.
 */
export class Origin {
  /** Set when this origin turned out to be another one plus an offset. */
  link?: { readonly origin: Origin; readonly offset: number };
  /** The number it stands for, once a plain number fixed it. */
  fixed?: number;
  /** Variables bound to this origin, with their offsets from it (display picks the closest). */
  readonly names: { name: string; offset: number }[] = [];

  constructor(
    /** The sequence space: `sender>receiver`. */
    readonly space: string,
    /** The name shown while no variable names it (`ISS_C`). */
    readonly placeholder: string,
  ) {}
}

/** A sequence number: a plain number (origin undefined) or an origin plus an offset. */
export interface SeqVal {
  readonly origin?: Origin;
  readonly offset: number;
}

export const ZERO: SeqVal = { offset: 0 };

/** Follows merged origins to the one that stands for the value now. */
export function resolve(v: SeqVal): SeqVal {
  let origin = v.origin;
  let offset = v.offset;
  while (origin?.link) {
    offset = mod32(offset + origin.link.offset);
    origin = origin.link.origin;
  }
  return origin === v.origin ? v : { origin, offset };
}

/** v + n. */
export function add(v: SeqVal, n: number): SeqVal {
  return n === 0 ? v : { origin: v.origin, offset: mod32(v.offset + n) };
}

/** The number a value stands for, when known. */
export function numeric(v: SeqVal): number | undefined {
  const r = resolve(v);
  if (!r.origin) return r.offset;
  return r.origin.fixed === undefined ? undefined : mod32(r.origin.fixed + r.offset);
}

/** a - b as a signed serial difference, or undefined when the two cannot be compared. */
export function compare(a: SeqVal, b: SeqVal): number | undefined {
  // Nearly every comparison: the same origin (or none), not merged into another.
  const o = a.origin;
  if (o === b.origin && (o === undefined || o.link === undefined)) return serialDiff(a.offset, b.offset);
  const ra = resolve(a);
  const rb = resolve(b);
  if (ra.origin === rb.origin) return serialDiff(ra.offset, rb.offset);
  const na = numeric(ra);
  const nb = numeric(rb);
  return na === undefined || nb === undefined ? undefined : serialDiff(na, nb);
}

/** a - (b + n), as compare(a, add(b, n)) without making b + n. */
export function compareTo(a: SeqVal, b: SeqVal, n: number): number | undefined {
  const o = a.origin;
  if (o === b.origin && (o === undefined || o.link === undefined)) return serialDiff(a.offset, b.offset + n);
  const ra = resolve(a);
  const rb = resolve(b);
  if (ra.origin === rb.origin) return serialDiff(ra.offset, rb.offset + n);
  const na = numeric(ra);
  const nb = numeric(rb);
  return na === undefined || nb === undefined ? undefined : serialDiff(na, nb + n);
}

/** (a + n) - b, as compare(add(a, n), b) without making a + n. */
export function compareFrom(a: SeqVal, n: number, b: SeqVal): number | undefined {
  const o = a.origin;
  if (o === b.origin && (o === undefined || o.link === undefined)) return serialDiff(a.offset + n, b.offset);
  const ra = resolve(a);
  const rb = resolve(b);
  if (ra.origin === rb.origin) return serialDiff(ra.offset + n, rb.offset);
  const na = numeric(ra);
  const nb = numeric(rb);
  return na === undefined || nb === undefined ? undefined : serialDiff(na + n, nb);
}

/** True when a and b are known to be the same number. */
export function same(a: SeqVal, b: SeqVal): boolean {
  return compare(a, b) === 0;
}

/**
 * Makes `a` equal `b` where nothing written contradicts it: a placeholder origin (one no variable
 * names) merges into the other value; an unnamed or named origin that is not yet fixed is fixed by a
 * number. Returns false when the two are different known values.
 */
export function unify(a: SeqVal, b: SeqVal): boolean {
  const ra = resolve(a);
  const rb = resolve(b);
  const d = compare(ra, rb);
  if (d !== undefined) return d === 0;
  // Both have origins that are not both fixed (or one is a number).
  const tryMerge = (x: SeqVal, y: SeqVal): boolean => {
    const o = x.origin;
    if (!o || o.fixed !== undefined) return false;
    const ny = numeric(y);
    if (ny !== undefined) {
      o.fixed = mod32(ny - x.offset);
      return true;
    }
    if (o.names.length === 0 && y.origin) {
      // x.origin + x.offset = y.origin + y.offset
      const offset = mod32(y.offset - x.offset);
      o.link = { origin: y.origin, offset };
      return true;
    }
    return false;
  };
  return tryMerge(ra, rb) || tryMerge(rb, ra);
}

/** Writes a value the way the document would: `x`, `x+1`, `u-1`, `1001`. */
export function show(v: SeqVal): string {
  const r = resolve(v);
  if (!r.origin) return String(r.offset);
  const o = r.origin;
  if (o.names.length === 0) return withOffset(o.placeholder, r.offset);
  // The variable closest below the value (ties: the latest bound), as notes count from it.
  // Only the latest names are considered, so that a document binding thousands of variables to
  // one origin stays linear.
  const first = Math.max(0, o.names.length - 64);
  let best = o.names[first];
  let bestD = serialDiff(r.offset, best.offset);
  for (let i = first + 1; i < o.names.length; i++) {
    const n = o.names[i];
    const d = serialDiff(r.offset, n.offset);
    const better = bestD < 0 ? d >= 0 || d > bestD : d >= 0 && d <= bestD;
    if (better) { best = n; bestD = d; }
  }
  return withOffset(best.name, bestD);
}

function withOffset(name: string, d: number): string {
  const s = serialDiff(d, 0);
  return s === 0 ? name : s > 0 ? `${name}+${s}` : `${name}-${-s}`;
}

/** A variable and the value it stands for. */
export interface Variable {
  readonly name: string;
  readonly space: string;
  readonly value: SeqVal;
  readonly line: number;
}

/** The document's variables: one number each, in one sequence space. */
export class Variables {
  private readonly byName = new Map<string, Variable>();

  get(name: string): Variable | undefined {
    return this.byName.get(name);
  }

  /** Binds a new variable so that `name + offset` equals `target`. */
  bind(name: string, space: string, line: number, target: SeqVal | undefined, offset: number, placeholderSpace: string): Variable {
    let value: SeqVal;
    if (target) {
      value = add(resolve(target), -offset);
    } else {
      value = { origin: new Origin(placeholderSpace, name), offset: 0 };
    }
    const r = resolve(value);
    if (r.origin) r.origin.names.push({ name, offset: r.offset });
    const v: Variable = { name, space, value: r, line };
    this.byName.set(name, v);
    return v;
  }

  all(): IterableIterator<Variable> {
    return this.byName.values();
  }
}
