import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import bcryptjs from 'bcryptjs';
import { createHash } from 'node:crypto';
import { CustomerChanged, RestaurantChanged } from '../src/events/domain-events.js';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import {
  bearer,
  createAccount,
  createOwner,
  login,
  registerCustomer,
  registration,
  TEST_PASSWORD,
  type Tokens,
} from './support/accounts.js';
import { insertRestaurant } from './support/fixtures.js';
import { createScratchDatabase } from './support/scratch-database.js';
import { IN_CI, SERVER_DATABASE_URL } from './support/services.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** bcrypt at its lowest cost: these suites hash a password on almost every request. */
const FAST_HASHING = { AUTH_BCRYPT_ROUNDS: '4' };

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const fieldRules = (body: { errors?: Array<{ field: string; rule: string }> }) =>
  (body.errors ?? []).map(({ field, rule }) => `${field}:${rule}`);
/** An error body without its request id, which differs on every request. */
const withoutRequestId = ({ request_id: _id, ...rest }: Record<string, unknown>) => rest;

describe('auth: accounts and tokens', () => {
  let t: TestApp;
  const customerEvents: CustomerChanged[] = [];
  const restaurantEvents: RestaurantChanged[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: FAST_HASHING });
    const bus = t.app.get(DomainEventBus);
    bus.subscribe('customer.changed', (event) => void customerEvents.push(event));
    bus.subscribe('restaurant.changed', (event) => void restaurantEvents.push(event));
  });
  afterAll(() => t.close());

  const refresh = (refreshToken: string) => t.http.post('/auth/refresh', { refresh_token: refreshToken });

  describe('register, login, me', () => {
    it('registers a customer with its Customer, signs it in, and the tokens work', async () => {
      customerEvents.length = 0;
      const body = registration({ email: '  Ada.Lovelace@Example.COM ' });
      const response = await t.http.post('/auth/register', body);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        account: { id: expect.any(Number), email: 'ada.lovelace@example.com', role: 'customer', customer_id: expect.any(Number) },
        access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refresh_token: expect.stringMatching(/^[\w-]{43}$/),
        token_type: 'bearer',
        expires_in: 900,
      });
      const { account } = response.body;

      const [customer] = await t.db.query('SELECT name, email, is_active FROM customers WHERE id = $1', [account.customer_id]);
      expect(customer).toEqual({ name: body.name, email: 'ada.lovelace@example.com', is_active: true });
      expect(customerEvents).toHaveLength(1);
      expect(customerEvents[0]).toMatchObject({ customer_id: account.customer_id, kind: 'created' });

      const me = await bearer(t, response.body.access_token).get('/auth/me');
      expect(me.status).toBe(200);
      expect(me.body).toEqual(account);

      const loggedIn = await t.http.post('/auth/login', { email: 'ADA.lovelace@example.com ', password: TEST_PASSWORD });
      expect(loggedIn.status).toBe(200);
      expect(loggedIn.body).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.stringMatching(/^[\w-]{43}$/),
        token_type: 'bearer',
        expires_in: 900,
      });
      expect(loggedIn.body.refresh_token).not.toBe(response.body.refresh_token);
      expect((await bearer(t, loggedIn.body.access_token).get('/auth/me')).body).toEqual(account);
    });

    it('answers 401 on /auth/me without a token or with a malformed one', async () => {
      expect((await t.http.get('/auth/me')).status).toBe(401);
      expect((await bearer(t, 'not-a-jwt').get('/auth/me')).status).toBe(401);
    });

    it('refuses a duplicate email, ignoring case, with a 409 naming the field, and keeps the first account', async () => {
      const { account } = await registerCustomer(t);
      const before = await t.db.query('SELECT count(*)::int AS n FROM customers');
      const response = await t.http.post('/auth/register', registration({ email: account.email.toUpperCase() }));
      expect(response.status).toBe(409);
      expect(response.body.message).toMatch(/^email: /);
      expect(response.text).not.toContain(TEST_PASSWORD);
      expect(await t.db.query('SELECT count(*)::int AS n FROM customers')).toEqual(before);
    });

    it('leaves no Customer behind when the account cannot be created (its email belongs to an owner account)', async () => {
      const owner = await createAccount(t, 'restaurant_owner');
      const response = await t.http.post('/auth/register', registration({ email: owner.account.email }));
      expect(response.status).toBe(409);
      expect(await t.db.query('SELECT id FROM customers WHERE email = $1', [owner.account.email])).toEqual([]);
      expect(await t.db.query('SELECT role FROM accounts WHERE email = $1', [owner.account.email])).toEqual([{ role: 'restaurant_owner' }]);
    });

    it('refuses the email of a Customer made by the admin without an account', async () => {
      const customer = await t.admin.post('/customers', { ...registration(), password: undefined });
      expect(customer.status).toBe(201);
      const response = await t.http.post('/auth/register', registration({ email: customer.body.email }));
      expect(response.status).toBe(409);
      expect(await t.db.query('SELECT id FROM accounts WHERE email = $1', [customer.body.email])).toEqual([]);
    });

    it.each([
      ['a password of 9 characters', { password: 'x'.repeat(9) }, 'password:isLength'],
      ['a password of 129 characters', { password: 'x'.repeat(129) }, 'password:isLength'],
      ['no password', { password: undefined }, 'password:isString'],
      ['a password that is not a string', { password: 1234567890123 }, 'password:isString'],
      ['an invalid email (the customer rules apply)', { email: 'ada@' }, 'email:isEmail'],
      ['an invalid phone number', { phone_number: 'call me' }, 'phone_number:matches'],
      ['is_active (a new customer is active)', { is_active: false }, 'is_active:unknown_field'],
      ['an unknown field', { role: 'admin' }, 'role:unknown_field'],
    ])('answers 400 for %s, and creates nothing', async (_case, overrides, failure) => {
      const before = await t.db.query('SELECT (SELECT count(*) FROM customers)::int AS c, (SELECT count(*) FROM accounts)::int AS a');
      const body = registration(overrides);
      const response = await t.http.post('/auth/register', body);
      expect(response.status).toBe(400);
      expect(fieldRules(response.body)).toContain(failure);
      if (typeof body.password === 'string') expect(response.text).not.toContain(body.password);
      expect(await t.db.query('SELECT (SELECT count(*) FROM customers)::int AS c, (SELECT count(*) FROM accounts)::int AS a')).toEqual(
        before,
      );
    });

    it('answers a wrong password and an unknown email with the same 401', async () => {
      const { account } = await registerCustomer(t);
      const wrongPassword = await t.http.post('/auth/login', { email: account.email, password: `${TEST_PASSWORD}!` });
      const unknownEmail = await t.http.post('/auth/login', { email: `nobody.${account.email}`, password: TEST_PASSWORD });
      expect(wrongPassword.status).toBe(401);
      expect(unknownEmail.status).toBe(401);
      expect(withoutRequestId(wrongPassword.body)).toEqual(withoutRequestId(unknownEmail.body));
      expect(wrongPassword.body.message).toBe('Invalid email or password');
      expect(wrongPassword.text).not.toContain(TEST_PASSWORD);
    });

    it('answers 400 for a login body without a password', async () => {
      const response = await t.http.post('/auth/login', { email: 'ada@example.com' });
      expect(response.status).toBe(400);
      expect(fieldRules(response.body)).toContain('password:isString');
    });
  });

  describe('access tokens', () => {
    /** A token signed with the app's own key, with these claims. */
    function sign(claims: Record<string, unknown>): string {
      return t.app.get(JwtService, { strict: false }).sign({ iss: 'tiffin', jti: 'test', ...claims });
    }
    const now = () => Math.floor(Date.now() / 1000);

    it('accepts a token of the app’s key until it expires, and refuses it after', async () => {
      const { account } = await registerCustomer(t);
      const claims = { sub: String(account.id), role: 'customer', cid: account.customer_id, iat: now() - 120 };
      const live = await bearer(t, sign({ ...claims, exp: now() + 60 })).get('/auth/me');
      expect(live.status).toBe(200);
      expect(live.body.id).toBe(account.id);
      const expired = await bearer(t, sign({ ...claims, exp: now() - 1 })).get('/auth/me');
      expect(expired.status).toBe(401);
    });

    it('refuses a token whose claims were changed after signing', async () => {
      const { tokens } = await registerCustomer(t);
      const [header, payload, signature] = tokens.access_token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const promoted = Buffer.from(JSON.stringify({ ...claims, role: 'admin', cid: null })).toString('base64url');
      expect((await bearer(t, `${header}.${promoted}.${signature}`).get('/auth/me')).status).toBe(401);
    });
  });

  describe('refresh tokens', () => {
    it('rotates: the new pair works, the old refresh token does not', async () => {
      const { account, tokens } = await registerCustomer(t);
      const rotated = await refresh(tokens.refresh_token);
      expect(rotated.status).toBe(200);
      expect(rotated.body).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.stringMatching(/^[\w-]{43}$/),
        token_type: 'bearer',
        expires_in: 900,
      });
      expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token);
      expect((await bearer(t, rotated.body.access_token).get('/auth/me')).body).toEqual(account);

      const [old] = await t.db.query('SELECT revoked_at IS NOT NULL AS revoked, replaced_by FROM refresh_tokens WHERE token_hash = $1', [
        sha256(tokens.refresh_token),
      ]);
      const [successor] = await t.db.query('SELECT id, family_id, revoked_at FROM refresh_tokens WHERE token_hash = $1', [
        sha256(rotated.body.refresh_token),
      ]);
      expect(old).toEqual({ revoked: true, replaced_by: successor.id });
      expect(successor.revoked_at).toBeNull();

      const again = await refresh(rotated.body.refresh_token);
      expect(again.status).toBe(200);
    });

    it('revokes the whole family when a rotated token is replayed: the newest token fails too', async () => {
      const { tokens } = await registerCustomer(t);
      const second = (await refresh(tokens.refresh_token)).body as Tokens;
      const third = (await refresh(second.refresh_token)).body as Tokens;

      const replay = await refresh(tokens.refresh_token);
      expect(replay.status).toBe(401);
      expect(replay.text).not.toContain(tokens.refresh_token);
      expect((await refresh(third.refresh_token)).status).toBe(401);
      const [family] = await t.db.query(
        `SELECT count(*)::int AS tokens, count(*) FILTER (WHERE revoked_at IS NULL)::int AS live
           FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
        [sha256(third.refresh_token)],
      );
      expect(family).toEqual({ tokens: 3, live: 0 });
    });

    it('leaves other sign-ins of the same account alone when one family is revoked', async () => {
      const { account, tokens } = await registerCustomer(t);
      const otherDevice = await login(t, account.email);
      await refresh(tokens.refresh_token);
      expect((await refresh(tokens.refresh_token)).status).toBe(401);
      expect((await refresh(otherDevice.refresh_token)).status).toBe(200);
    });

    it('gives exactly one success to concurrent refreshes of one token', async () => {
      const { tokens } = await registerCustomer(t);
      const responses = await Promise.all(Array.from({ length: 6 }, () => refresh(tokens.refresh_token)));
      expect(responses.map((response) => response.status).sort()).toEqual([200, 401, 401, 401, 401, 401]);
      const [{ successors }] = await t.db.query(
        `SELECT count(*)::int AS successors FROM refresh_tokens
          WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1) AND token_hash <> $1`,
        [sha256(tokens.refresh_token)],
      );
      expect(successors).toBe(1);
    });

    it('refuses an expired refresh token without revoking the family', async () => {
      const { tokens } = await registerCustomer(t);
      await t.db.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
        sha256(tokens.refresh_token),
      ]);
      expect((await refresh(tokens.refresh_token)).status).toBe(401);
      const [row] = await t.db.query('SELECT revoked_at FROM refresh_tokens WHERE token_hash = $1', [sha256(tokens.refresh_token)]);
      expect(row.revoked_at).toBeNull();
    });

    it('refuses an unknown refresh token with 401 and a malformed body with 400', async () => {
      expect((await refresh('A'.repeat(43))).status).toBe(401);
      const malformed = await t.http.post('/auth/refresh', { refresh_token: 42 });
      expect(malformed.status).toBe(400);
      expect(fieldRules(malformed.body)).toContain('refresh_token:isString');
    });

    it('logout revokes the sign-in (idempotently); refresh then answers 401', async () => {
      const { tokens } = await registerCustomer(t);
      const rotated = (await refresh(tokens.refresh_token)).body as Tokens;
      expect((await t.http.post('/auth/logout', { refresh_token: rotated.refresh_token })).status).toBe(204);
      expect((await t.http.post('/auth/logout', { refresh_token: rotated.refresh_token })).status).toBe(204);
      expect((await refresh(rotated.refresh_token)).status).toBe(401);
      expect((await t.http.post('/auth/logout', { refresh_token: 'B'.repeat(43) })).status).toBe(204);
    });
  });

  describe('what the database keeps', () => {
    it('stores a bcrypt hash of the password and only SHA-256 digests of refresh tokens', async () => {
      const { account, tokens } = await registerCustomer(t);
      const rotated = (await refresh(tokens.refresh_token)).body as Tokens;
      const [{ password_hash }] = await t.db.query('SELECT password_hash FROM accounts WHERE id = $1', [account.id]);
      expect(password_hash).toMatch(/^\$2[aby]\$04\$[./A-Za-z0-9]{53}$/);
      expect(password_hash).not.toContain(TEST_PASSWORD);

      const rows: Array<Record<string, unknown>> = await t.db.query('SELECT * FROM refresh_tokens WHERE account_id = $1', [account.id]);
      expect(rows).toHaveLength(2);
      const stored = JSON.stringify(rows);
      for (const token of [tokens.refresh_token, rotated.refresh_token]) expect(stored).not.toContain(token);
      expect(rows.map((row) => row.token_hash).sort()).toEqual([sha256(tokens.refresh_token), sha256(rotated.refresh_token)].sort());
    });

    it('signs in with a hash bcryptjs wrote at another cost, and stores it again at the configured one', async () => {
      const { account } = await registerCustomer(t);
      // How the earlier implementation stored passwords: bcryptjs over the SHA-256 (base64), here at cost 5.
      const legacy = bcryptjs.hashSync(createHash('sha256').update(TEST_PASSWORD, 'utf8').digest('base64'), 5);
      await t.db.query('UPDATE accounts SET password_hash = $2 WHERE id = $1', [account.id, legacy]);
      expect((await t.http.post('/auth/login', { email: account.email, password: 'not the password' })).status).toBe(401);
      const [{ password_hash: afterWrong }] = await t.db.query('SELECT password_hash FROM accounts WHERE id = $1', [account.id]);
      expect(afterWrong).toBe(legacy);

      expect((await t.http.post('/auth/login', { email: account.email, password: TEST_PASSWORD })).status).toBe(200);
      const [{ password_hash: rehashed }] = await t.db.query('SELECT password_hash FROM accounts WHERE id = $1', [account.id]);
      expect(rehashed).toMatch(/^\$2b\$04\$/);
      expect((await t.http.post('/auth/login', { email: account.email, password: TEST_PASSWORD })).status).toBe(200);
      const [{ password_hash: kept }] = await t.db.query('SELECT password_hash FROM accounts WHERE id = $1', [account.id]);
      expect(kept).toBe(rehashed);
    });

    it('holds the account rules in the schema as well', async () => {
      const [{ customer_id }] = await t.db.query(
        `INSERT INTO customers (name, email, phone_number, address) VALUES ('Schema', 'schema@example.com', '+1-555-0100', 'x') RETURNING id AS customer_id`,
      );
      const insert = (email: string, role: string, customerId: number | null) =>
        t.db.query(`INSERT INTO accounts (email, password_hash, role, customer_id) VALUES ($1, 'x', $2, $3)`, [email, role, customerId]);
      await expect(insert('a@schema.example.com', 'customer', null)).rejects.toThrow(/ck_accounts_customer_id/);
      await expect(insert('b@schema.example.com', 'admin', customer_id)).rejects.toThrow(/ck_accounts_customer_id/);
      await expect(insert('c@schema.example.com', 'root', null)).rejects.toThrow(/ck_accounts_role/);
      await insert('d@schema.example.com', 'customer', customer_id);
      await expect(insert('e@schema.example.com', 'customer', customer_id)).rejects.toThrow(/uq_accounts_customer_id/);
      await expect(insert('D@Schema.example.com', 'admin', null)).rejects.toThrow(/uq_accounts_email_lower/);
    });
  });

  describe('admin: accounts and restaurant owners', () => {
    it('creates restaurant_owner and admin accounts that can sign in', async () => {
      const response = await t.admin.post('/admin/accounts', {
        email: ' Owner.One@Example.com',
        password: TEST_PASSWORD,
        role: 'restaurant_owner',
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        email: 'owner.one@example.com',
        role: 'restaurant_owner',
        customer_id: null,
      });
      const tokens = await login(t, 'owner.one@example.com');
      expect((await bearer(t, tokens.access_token).get('/auth/me')).body).toEqual(response.body);

      const admin = await createAccount(t, 'admin');
      expect(admin.account.role).toBe('admin');
      const byAdminAccount = await admin.client.post('/admin/accounts', {
        email: 'owner.two@example.com',
        password: TEST_PASSWORD,
        role: 'restaurant_owner',
      });
      expect(byAdminAccount.status).toBe(201);
    });

    it('refuses a customer role, a short password and a duplicate email', async () => {
      const customerRole = await t.admin.post('/admin/accounts', { email: 'c1@example.com', password: TEST_PASSWORD, role: 'customer' });
      expect(customerRole.status).toBe(400);
      expect(fieldRules(customerRole.body)).toContain('role:isIn');
      const shortPassword = await t.admin.post('/admin/accounts', { email: 'c2@example.com', password: 'short', role: 'admin' });
      expect(fieldRules(shortPassword.body)).toContain('password:isLength');
      const owner = await createAccount(t, 'restaurant_owner');
      const duplicate = await t.admin.post('/admin/accounts', {
        email: owner.account.email.toUpperCase(),
        password: TEST_PASSWORD,
        role: 'admin',
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.message).toMatch(/^email: /);
    });

    it('is closed to anonymous callers (401), customers and owners (403)', async () => {
      const body = { email: 'c3@example.com', password: TEST_PASSWORD, role: 'admin' };
      expect((await t.http.post('/admin/accounts', body)).status).toBe(401);
      const customer = await registerCustomer(t);
      expect((await customer.client.post('/admin/accounts', body)).status).toBe(403);
      const owner = await createAccount(t, 'restaurant_owner');
      expect((await owner.client.post('/admin/accounts', body)).status).toBe(403);
      const restaurantId = await insertRestaurant(t.db);
      expect((await owner.client.put(`/admin/restaurants/${restaurantId}/owner`, { account_id: owner.account.id })).status).toBe(403);
      expect(await t.db.query('SELECT id FROM accounts WHERE email = $1', [body.email])).toEqual([]);
    });

    it('assigns a restaurant to an owner and publishes the change, so cached copies are replaced', async () => {
      const restaurantId = await insertRestaurant(t.db);
      const before = await t.http.get(`/restaurants/${restaurantId}`);
      expect(before.status).toBe(200);
      const owner = await createAccount(t, 'restaurant_owner');

      restaurantEvents.length = 0;
      const response = await t.admin.put(`/admin/restaurants/${restaurantId}/owner`, { account_id: owner.account.id });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...before.body, updated_at: expect.any(String) });
      expect(response.body.updated_at > before.body.updated_at).toBe(true);
      expect(await t.db.query('SELECT owner_account_id FROM restaurants WHERE id = $1', [restaurantId])).toEqual([
        { owner_account_id: owner.account.id },
      ]);
      expect(restaurantEvents).toHaveLength(1);
      expect(restaurantEvents[0]).toMatchObject({ restaurant_id: restaurantId, kind: 'updated' });
      expect(JSON.stringify(restaurantEvents[0].restaurant)).toBe(response.text);
      expect((await t.http.get(`/restaurants/${restaurantId}`)).body).toEqual(response.body);

      const cleared = await t.admin.put(`/admin/restaurants/${restaurantId}/owner`, { account_id: null });
      expect(cleared.status).toBe(200);
      expect(await t.db.query('SELECT owner_account_id FROM restaurants WHERE id = $1', [restaurantId])).toEqual([
        { owner_account_id: null },
      ]);
    });

    it('gives restaurants to owner accounts only (400 naming account_id) and answers 404 for a missing restaurant', async () => {
      const restaurantId = await insertRestaurant(t.db);
      const customer = await registerCustomer(t);
      const admin = await createAccount(t, 'admin');
      for (const accountId of [customer.account.id, admin.account.id, 2_000_000_000]) {
        const response = await t.admin.put(`/admin/restaurants/${restaurantId}/owner`, { account_id: accountId });
        expect(response.status).toBe(400);
        expect(fieldRules(response.body)).toEqual(['account_id:restaurant_owner']);
      }
      for (const body of [{}, { account_id: 'seven' }, { account_id: 0 }]) {
        const response = await t.admin.put(`/admin/restaurants/${restaurantId}/owner`, body);
        expect(response.status).toBe(400);
        expect(fieldRules(response.body).some((rule) => rule.startsWith('account_id:'))).toBe(true);
      }
      expect(await t.db.query('SELECT owner_account_id FROM restaurants WHERE id = $1', [restaurantId])).toEqual([
        { owner_account_id: null },
      ]);

      const owner = await createOwner(t);
      const missing = await t.admin.put('/admin/restaurants/2000000000/owner', { account_id: owner.account.id });
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('Restaurant 2000000000 not found');
    });
  });
});

/*
 * The bootstrap admin, with instances sharing one database: this needs a Postgres server (the
 * embedded one takes a single connection).
 */
const describeOnServer = SERVER_DATABASE_URL ? describe : describe.skip;
if (!SERVER_DATABASE_URL) {
  if (IN_CI) throw new Error('test/auth.e2e-spec.ts needs DATABASE_URL under CI=true');
  console.warn('SKIPPED the admin bootstrap cases of test/auth.e2e-spec.ts: they need DATABASE_URL (a Postgres server)');
}

describeOnServer('auth: the admin account from ADMIN_EMAIL and ADMIN_PASSWORD', () => {
  const ADMIN = {
    ...FAST_HASHING,
    ADMIN_EMAIL: ' Root@Tiffin.Example.com ',
    ADMIN_PASSWORD: 'bootstrap admin password',
    JWT_SECRET: 'shared-signing-key-of-these-instances-0123456789',
  };
  const apps: TestApp[] = [];
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;

  beforeAll(async () => {
    database = await createScratchDatabase();
    // Migrations first, without the admin, so that the next two instances bootstrap at the same time.
    apps.push(await startTestApp({ database, env: FAST_HASHING }));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await database.drop();
  });

  const admins = async (db: TestApp['db']) =>
    db.query(`SELECT email, role, customer_id FROM accounts WHERE lower(email) = 'root@tiffin.example.com'`);

  it('is created once by two instances starting together, and signs in on either (shared JWT_SECRET)', async () => {
    const [a, b] = await Promise.all([startTestApp({ database, env: ADMIN }), startTestApp({ database, env: ADMIN })]);
    apps.push(a, b);
    expect(await admins(a.db)).toEqual([{ email: 'root@tiffin.example.com', role: 'admin', customer_id: null }]);

    const tokens = await login(a, 'root@tiffin.example.com', ADMIN.ADMIN_PASSWORD);
    const me = await bearer(b, tokens.access_token).get('/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'root@tiffin.example.com', role: 'admin' });
    const owner = await bearer(b, tokens.access_token).post('/admin/accounts', {
      email: 'owner@tiffin.example.com',
      password: TEST_PASSWORD,
      role: 'restaurant_owner',
    });
    expect(owner.status).toBe(201);
  });

  it('is neither duplicated nor reset by a restart with other credentials', async () => {
    const restarted = await startTestApp({ database, env: { ...ADMIN, ADMIN_PASSWORD: 'a different password' } });
    apps.push(restarted);
    expect(await admins(restarted.db)).toHaveLength(1);
    expect((await restarted.http.post('/auth/login', { email: 'root@tiffin.example.com', password: 'a different password' })).status).toBe(
      401,
    );
    expect((await login(restarted, 'root@tiffin.example.com', ADMIN.ADMIN_PASSWORD)).token_type).toBe('bearer');
  });
});
