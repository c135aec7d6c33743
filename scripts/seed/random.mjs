/** sfc32: a small, fast seeded generator, so a seed always gives the same data set. */
export class Random {
  constructor(seed) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  next() {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer from min to max, both included. */
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability) {
    return this.next() < probability;
  }

  pick(values) {
    return values[Math.floor(this.next() * values.length)];
  }

  /** An index drawn with the given (not necessarily normalised) weights. */
  weighted(weights) {
    let total = 0;
    for (const weight of weights) total += weight;
    let target = this.next() * total;
    for (let index = 0; index < weights.length; index++) {
      target -= weights[index];
      if (target < 0) return index;
    }
    return weights.length - 1;
  }

  /** A random permutation of 1..n (Fisher-Yates). */
  permutation(n) {
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) ids[i] = i + 1;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const swap = ids[i];
      ids[i] = ids[j];
      ids[j] = swap;
    }
    return ids;
  }
}

/**
 * Zipf's law over n items: the item of rank k is drawn with weight 1 / k^exponent. Ranks are
 * mapped to ids through a random permutation, so popularity does not follow the id order.
 */
export class Zipf {
  constructor(n, exponent, random) {
    this.cumulative = new Float64Array(n);
    let total = 0;
    for (let k = 1; k <= n; k++) {
      total += 1 / k ** exponent;
      this.cumulative[k - 1] = total;
    }
    this.total = total;
    this.ids = random.permutation(n);
    this.random = random;
  }

  /** Share of all draws that go to the item of rank 1. */
  get topShare() {
    return this.cumulative[0] / this.total;
  }

  draw() {
    const target = this.random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle] > target) high = middle;
      else low = middle + 1;
    }
    return this.ids[low];
  }
}
