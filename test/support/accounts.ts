import type { HttpClient } from './http-client.js';
import type { TestApp } from './test-app.js';

/*
 * Accounts for e2e suites, made through the API as a client would: customers register, owners are
 * created by the admin (t.admin) and given their restaurants. Emails are unique per call.
 */

export const TEST_PASSWORD = 'correct horse battery staple';

export interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export interface TestAccount {
  id: number;
  email: string;
  role: 'customer' | 'restaurant_owner' | 'admin';
  customer_id: number | null;
}

export interface SignedIn {
  account: TestAccount;
  tokens: Tokens;
  /** t.http sending `Authorization: Bearer <access_token>`. */
  client: HttpClient;
}

let sequence = 0;
const uniqueEmail = (kind: string) => `${kind}${++sequence}.${process.pid}@accounts.example.com`;

function expectStatus(response: { status: number; text: string }, status: number, what: string): void {
  if (response.status !== status) throw new Error(`${what} answered ${response.status}, expected ${status}: ${response.text}`);
}

export const bearer = (t: TestApp, accessToken: string): HttpClient => t.http.with({ authorization: `Bearer ${accessToken}` });

/** The body of POST /auth/register; `overrides` may change or add any field. */
export function registration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const n = ++sequence;
  return {
    name: `Registered Customer ${n}`,
    email: uniqueEmail('customer'),
    phone_number: '+1-555-0300',
    address: `${n} Account Ave`,
    password: TEST_PASSWORD,
    ...overrides,
  };
}

/** Registers a customer account; `customer` is the Customer as GET /customers/{id} shows it. */
export async function registerCustomer(
  t: TestApp,
  overrides: Record<string, unknown> = {},
): Promise<SignedIn & { customer: { id: number } & Record<string, any> }> {
  const response = await t.http.post('/auth/register', registration(overrides));
  expectStatus(response, 201, 'POST /auth/register');
  const { account, ...tokens } = response.body as { account: TestAccount } & Tokens;
  const customer = await t.admin.get(`/customers/${account.customer_id}`);
  expectStatus(customer, 200, 'GET /customers/{id}');
  return { account, tokens, client: bearer(t, tokens.access_token), customer: customer.body };
}

export async function login(t: TestApp, email: string, password = TEST_PASSWORD): Promise<Tokens> {
  const response = await t.http.post('/auth/login', { email, password });
  expectStatus(response, 200, 'POST /auth/login');
  return response.body;
}

/** An account made by the admin (POST /admin/accounts), signed in. */
export async function createAccount(
  t: TestApp,
  role: 'restaurant_owner' | 'admin',
  overrides: { email?: string; password?: string } = {},
): Promise<SignedIn> {
  const body = { email: uniqueEmail(role === 'admin' ? 'admin' : 'owner'), password: TEST_PASSWORD, role, ...overrides };
  const response = await t.admin.post('/admin/accounts', body);
  expectStatus(response, 201, 'POST /admin/accounts');
  const tokens = await login(t, body.email, body.password);
  return { account: response.body, tokens, client: bearer(t, tokens.access_token) };
}

/** A restaurant_owner account, signed in, owning `restaurantIds` (PUT /admin/restaurants/{id}/owner). */
export async function createOwner(
  t: TestApp,
  restaurantIds: number[] = [],
  overrides: { email?: string; password?: string } = {},
): Promise<SignedIn> {
  const owner = await createAccount(t, 'restaurant_owner', overrides);
  for (const restaurantId of restaurantIds) {
    const response = await t.admin.put(`/admin/restaurants/${restaurantId}/owner`, { account_id: owner.account.id });
    expectStatus(response, 200, 'PUT /admin/restaurants/{id}/owner');
  }
  return owner;
}
