/** The bearer scheme in the API document: an access token from /auth/login, or ADMIN_TOKEN. */
export const BEARER_SCHEME = 'bearer';
