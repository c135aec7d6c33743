/**
 * The headers that tell a caller where it stands against the general rate limit (set by
 * RateLimitGuard, documented under OpenAPI's components.headers, exposed to browsers by CORS).
 */
export const RATE_LIMIT_LIMIT_HEADER = 'X-RateLimit-Limit';
export const RATE_LIMIT_REMAINING_HEADER = 'X-RateLimit-Remaining';
