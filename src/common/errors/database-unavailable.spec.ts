import { describe, expect, it } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable.js';

/** Errors shaped as node-postgres and TypeORM raise them (messages and codes as pg 8 writes them). */
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const failedQuery = (driverError: Error) => new QueryFailedError('INSERT INTO orders ...', [], driverError);

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['every address refused (Node tries each one)', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')])],
    ['no free connection in time', new Error('timeout exceeded when trying to connect')],
    ['a new connection not established in time', new Error('Connection terminated due to connection timeout')],
    ['the client connect timing out', new Error('timeout expired')],
    ['a connection lost mid-query', failedQuery(new Error('Connection terminated unexpectedly'))],
    ['a statement unanswered within query_timeout', failedQuery(new Error('Query read timeout'))],
    ['statement_timeout', failedQuery(withCode('canceling statement due to statement timeout', '57014'))],
    ['the server shutting down', failedQuery(withCode('terminating connection due to administrator command', '57P01'))],
    ['the server starting up', withCode('the database system is starting up', '57P03')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['a connection exception', withCode('connection failure', '08006')],
    ['a wrapped cause', new Error('loading failed', { cause: withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED') })],
  ])('is true for %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', failedQuery(withCode('duplicate key value violates unique constraint', '23505'))],
    ['a syntax error (a bug)', failedQuery(withCode('syntax error at or near "SELEC"', '42601'))],
    ['a check violation', failedQuery(withCode('new row violates check constraint', '23514'))],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['something that is not an error', 'ECONNREFUSED'],
    ['undefined', undefined],
  ])('is false for %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
