/**
 * Access frequency that fades: each access adds 1 and the score halves every `halfLifeMs`, so
 * a key's score weighs recent accesses more than old ones. For a steady rate r the score tends
 * to r x tau (tau = halfLife / ln 2), which is what {@link expectedAccesses} inverts.
 */
export class DecayedFrequency {
  readonly tauMs: number;

  constructor(readonly halfLifeMs: number) {
    this.tauMs = halfLifeMs / Math.LN2;
  }

  /** The score `score` (last updated at `at`) has decayed to by `now`. */
  decayed(score: number, at: number, now: number): number {
    return now <= at ? score : score * Math.exp(-(now - at) / this.tauMs);
  }

  /** The score after one more access at `now`. */
  touched(score: number, at: number, now: number): number {
    return this.decayed(score, at, now) + 1;
  }

  /** Accesses to expect in the next `horizonMs` at the rate the current score implies. */
  expectedAccesses(currentScore: number, horizonMs: number): number {
    return (currentScore * horizonMs) / this.tauMs;
  }
}
