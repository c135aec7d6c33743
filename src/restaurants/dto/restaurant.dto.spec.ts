import { describe, expect, it } from '@jest/globals';
import { rulesOf, validateDto as validate } from '../../common/testing/validate-dto.js';
import type { Restaurant } from '../entities/restaurant.entity.js';
import { CreateRestaurantDto, RestaurantSearchQuery, toRestaurantResponse, UpdateRestaurantDto } from './restaurant.dto.js';

/** Runs the app's global validation pipe, as a request body or query would. */

const VALID = { name: 'Pizza Palace', cuisine_type: 'Italian', address: '123 Main St', phone_number: '+1-555-0123' };

describe('CreateRestaurantDto', () => {
  it.each([
    ['italian', 'Italian'],
    ['north indian', 'North Indian'],
    ['  SOUTH   indian ', 'South Indian'],
    ['tex-mex', 'Tex-Mex'],
  ])('capitalises the cuisine type %p as %p', async (cuisine, expected) => {
    const { value } = await validate(CreateRestaurantDto, { ...VALID, cuisine_type: cuisine });
    expect(value?.cuisine_type).toBe(expected);
  });

  it('trims the name, address and phone number', async () => {
    const { value } = await validate(CreateRestaurantDto, {
      ...VALID,
      name: '  Pizza Palace ',
      address: ' 1 Road ',
      phone_number: ' +44 20 7946 0958 ',
    });
    expect(value).toMatchObject({ name: 'Pizza Palace', address: '1 Road', phone_number: '+44 20 7946 0958' });
  });

  it.each([
    [4.567, 4.57],
    [4.994, 4.99],
    [0.001, 0],
  ])('rounds the rating %p to %p before checking its range', async (rating, expected) => {
    const { value } = await validate(CreateRestaurantDto, { ...VALID, rating });
    expect(value?.rating).toBe(expected);
  });

  it('measures the name length after trimming: 3 to 100 characters', async () => {
    expect(rulesOf((await validate(CreateRestaurantDto, { ...VALID, name: '  ab  ' })).errors)).toEqual(['name:isLength']);
    expect((await validate(CreateRestaurantDto, { ...VALID, name: ' abc ' })).errors).toBeUndefined();
    expect((await validate(CreateRestaurantDto, { ...VALID, name: 'n'.repeat(100) })).errors).toBeUndefined();
    expect(rulesOf((await validate(CreateRestaurantDto, { ...VALID, name: 'n'.repeat(101) })).errors)).toEqual(['name:isLength']);
  });

  it.each([
    [{ rating: 5.006 }, 'rating:max'],
    [{ rating: -0.01 }, 'rating:min'],
    [{ capacity: 0 }, 'capacity:min'],
    [{ capacity: 1001 }, 'capacity:max'],
    [{ capacity: 1.5 }, 'capacity:isInt'],
    [{ opening_time: '24:00' }, 'opening_time:matches'],
    [{ closing_time: '9:00' }, 'closing_time:matches'],
    [{ is_active: 'false' }, 'is_active:isBoolean'],
    [{ is_active: null }, 'is_active:isBoolean'],
    [{ capacity: null }, 'capacity:isInt'],
    [{ cuisine_type: '   ' }, 'cuisine_type:isLength'],
    [{ address: '' }, 'address:isLength'],
    [{ description: 'd'.repeat(2001) }, 'description:maxLength'],
    [{ phone_number: '555' }, 'phone_number:isLength'],
  ])('refuses %p', async (overrides, rule) => {
    expect(rulesOf((await validate(CreateRestaurantDto, { ...VALID, ...overrides })).errors)).toContain(rule);
  });

  it('accepts the extremes of every range and null for the nullable fields', async () => {
    const { errors } = await validate(CreateRestaurantDto, {
      ...VALID,
      rating: 5,
      capacity: 1000,
      opening_time: '00:00',
      closing_time: '23:59:59',
      description: null,
    });
    expect(errors).toBeUndefined();
  });
});

describe('UpdateRestaurantDto', () => {
  it('accepts an empty body and leaves every field undefined', async () => {
    const { value, errors } = await validate(UpdateRestaurantDto, {});
    expect(errors).toBeUndefined();
    expect(Object.values(value ?? {}).every((field) => field === undefined)).toBe(true);
  });

  it('applies the create rules to the fields sent', async () => {
    const { value } = await validate(UpdateRestaurantDto, { cuisine_type: 'north indian', rating: 3.333 });
    expect(value).toMatchObject({ cuisine_type: 'North Indian', rating: 3.33 });
    expect(rulesOf((await validate(UpdateRestaurantDto, { name: 'ab' })).errors)).toEqual(['name:isLength']);
  });

  it.each(['name', 'cuisine_type', 'address', 'phone_number', 'rating', 'is_active', 'capacity'])(
    'refuses %s sent as null (its column is NOT NULL)',
    async (field) => {
      const { errors } = await validate(UpdateRestaurantDto, { [field]: null });
      expect(errors?.map((error) => error.field)).toContain(field);
    },
  );

  it.each(['description', 'opening_time', 'closing_time'])('accepts %s sent as null, to clear it', async (field) => {
    expect((await validate(UpdateRestaurantDto, { [field]: null })).errors).toBeUndefined();
  });
});

describe('RestaurantSearchQuery', () => {
  it('converts the query strings and capitalises the cuisine', async () => {
    const { value } = await validate(
      RestaurantSearchQuery,
      { cuisine: 'north indian', min_rating: '4.5', is_active: 'false', location: ' main st ', skip: '5', limit: '10' },
      'query',
    );
    expect(value).toMatchObject({ cuisine: 'North Indian', min_rating: 4.5, is_active: false, location: 'main st', skip: 5, limit: 10 });
  });

  it('defaults skip and limit', async () => {
    expect((await validate(RestaurantSearchQuery, {}, 'query')).value).toMatchObject({ skip: 0, limit: 50 });
  });

  it.each([
    [{ min_rating: '5.5' }, 'min_rating:max'],
    [{ min_rating: 'high' }, 'min_rating:isNumber'],
    [{ is_active: 'yes' }, 'is_active:isBoolean'],
    [{ limit: '101' }, 'limit:max'],
  ])('refuses %p', async (query, rule) => {
    expect(rulesOf((await validate(RestaurantSearchQuery, query, 'query')).errors)).toContain(rule);
  });
});

describe('toRestaurantResponse', () => {
  it('serialises every column in a fixed order, dates as ISO strings, leaving out the relations', () => {
    const restaurant = {
      menu_items: [],
      owner_account_id: null,
      updated_at: new Date('2025-01-15T18:31:00Z'),
      created_at: new Date('2025-01-15T18:30:00Z'),
      capacity: 20,
      closing_time: '22:00:00',
      opening_time: null,
      is_active: true,
      rating: 4.5,
      phone_number: '+1-555-0123',
      address: '123 Main St',
      cuisine_type: 'Italian',
      description: null,
      name: 'Pizza Palace',
      id: 7,
    } as Restaurant;
    const response = toRestaurantResponse(restaurant);
    expect(JSON.stringify(response)).toBe(
      '{"id":7,"name":"Pizza Palace","description":null,"cuisine_type":"Italian","address":"123 Main St",' +
        '"phone_number":"+1-555-0123","rating":4.5,"is_active":true,"opening_time":null,"closing_time":"22:00:00",' +
        '"capacity":20,"created_at":"2025-01-15T18:30:00.000Z","updated_at":"2025-01-15T18:31:00.000Z"}',
    );
  });
});
