import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { loadConfig } from '../config/app-config.js';
import { AccessTokenService, TOKEN_ISSUER } from './access-token.service.js';

const SECRET = 'unit-test-signing-key-of-at-least-32-chars';
const jwt = new JwtService({ secret: SECRET });
const service = new AccessTokenService(jwt, loadConfig({ JWT_ACCESS_TTL_SECONDS: '60' }));
const now = () => Math.floor(Date.now() / 1000);

/** A token signed with the service's key, with exactly these claims. */
const forge = (claims: Record<string, unknown>, secret = SECRET) =>
  new JwtService({ secret }).sign({ iss: TOKEN_ISSUER, iat: now(), exp: now() + 60, jti: 'j', ...claims });

describe('AccessTokenService', () => {
  it('signs the principal into a token that verifies back to it', () => {
    const { token, expiresIn } = service.sign({ accountId: 7, role: 'customer', customerId: 3 });
    expect(expiresIn).toBe(60);
    expect(service.verify(token)).toEqual({ accountId: 7, role: 'customer', customerId: 3 });
    const claims = jwt.decode(token);
    expect(claims).toEqual({
      sub: '7',
      role: 'customer',
      cid: 3,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iss: 'tiffin',
      iat: expect.any(Number),
      exp: claims.iat + 60,
    });
  });

  it('gives every token its own jti', () => {
    const principal = { accountId: 1, role: 'admin', customerId: null } as const;
    expect(jwt.decode(service.sign(principal).token).jti).not.toBe(jwt.decode(service.sign(principal).token).jti);
  });

  it('accepts a token with valid claims (the control for the refusals below)', () => {
    expect(service.verify(forge({ sub: '2', role: 'restaurant_owner', cid: null }))).toEqual({
      accountId: 2,
      role: 'restaurant_owner',
      customerId: null,
    });
  });

  it.each([
    ['expired', forge({ sub: '2', role: 'admin', cid: null, iat: now() - 120, exp: now() - 60 })],
    ['signed with another key', forge({ sub: '2', role: 'admin', cid: null }, 'another-signing-key-of-at-least-32-chars')],
    ['from another issuer', forge({ sub: '2', role: 'admin', cid: null, iss: 'someone-else' })],
    ['without an issuer', new JwtService({ secret: SECRET }).sign({ sub: '2', role: 'admin', cid: null })],
    ['with an unknown role', forge({ sub: '2', role: 'root', cid: null })],
    ['with a subject that is not an account id', forge({ sub: 'admin', role: 'admin', cid: null })],
    ['with a numeric subject of 0', forge({ sub: '0', role: 'admin', cid: null })],
    ['of a customer without a customer id', forge({ sub: '2', role: 'customer', cid: null })],
    ['of an admin with a customer id', forge({ sub: '2', role: 'admin', cid: 5 })],
    ['not a JWT', 'not-a-token'],
    ['empty', ''],
  ])('refuses a token %s', (_case, token) => {
    expect(service.verify(token)).toBeUndefined();
  });

  it('refuses an unsigned token (alg none) and one whose payload was changed', () => {
    const token = service.sign({ accountId: 7, role: 'customer', customerId: 3 }).token;
    const [header, payload, signature] = token.split('.');
    const changed = Buffer.from(JSON.stringify({ ...jwt.decode(token), role: 'admin', cid: null })).toString('base64url');
    expect(service.verify(`${header}.${changed}.${signature}`)).toBeUndefined();
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(service.verify(`${none}.${payload}.`)).toBeUndefined();
  });
});
