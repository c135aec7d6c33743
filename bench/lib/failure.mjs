/** A failure the bench explains itself: reported by its message, without a stack trace. */
export class BenchFailure extends Error {}
