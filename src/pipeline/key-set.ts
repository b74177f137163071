/**
 * The set of keys seen in a run, for duplicate detection in constant memory per key: keys are
 * kept as 64-bit hashes (8 bytes each, open addressing) instead of strings, so a million-row run
 * needs 16 MB, not the ~100 MB a Set of strings would. Two different keys share a 64-bit hash with
 * a probability of about 3e-8 in a million-row file.
 */

const EMPTY = 0;

/** A growable set of 64-bit hashes given as two 32-bit halves. */
export class KeySet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1 << 14) {
    const size = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.mask = size - 1;
  }

  /** Number of keys added. */
  get size(): number {
    return this.count;
  }

  /** Add a hash; returns false when it was already present. */
  add(hi: number, lo: number): boolean {
    if (hi === EMPTY && lo === EMPTY) lo = 1;
    if ((this.count + 1) * 2 > this.hi.length) this.grow();
    return this.insert(hi >>> 0, lo >>> 0);
  }

  /** Whether a hash is present. */
  has(hi: number, lo: number): boolean {
    if (hi === EMPTY && lo === EMPTY) lo = 1;
    hi >>>= 0;
    lo >>>= 0;
    for (let slot = this.slotOf(hi, lo); ; slot = (slot + 1) & this.mask) {
      const h = this.hi[slot]!;
      const l = this.lo[slot]!;
      if (h === hi && l === lo) return true;
      if (h === EMPTY && l === EMPTY) return false;
    }
  }

  private slotOf(hi: number, lo: number): number {
    return (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
  }

  private insert(hi: number, lo: number): boolean {
    let slot = this.slotOf(hi, lo);
    for (;;) {
      const h = this.hi[slot]!;
      const l = this.lo[slot]!;
      if (h === EMPTY && l === EMPTY) {
        this.hi[slot] = hi;
        this.lo[slot] = lo;
        this.count++;
        return true;
      }
      if (h === hi && l === lo) return false;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    this.mask = this.hi.length - 1;
    this.count = 0;
    for (let i = 0; i < hi.length; i++) {
      if (hi[i] !== EMPTY || lo[i] !== EMPTY) this.insert(hi[i]!, lo[i]!);
    }
  }
}
