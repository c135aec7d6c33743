import { describe, expect, it } from '@jest/globals';
import { rulesOf, validateDto as validate } from '../../common/testing/validate-dto.js';
import type { MenuItem } from '../entities/menu-item.entity.js';
import { CreateMenuItemDto, MAX_PRICE, MenuItemSearchQuery, toMenuItemResponse, UpdateMenuItemDto } from './menu-item.dto.js';

const VALID = { name: 'Margherita Pizza', price: 12.99, category: 'Main Course' };

describe('CreateMenuItemDto', () => {
  it.each([
    [12.999, 13],
    [12.345, 12.35],
    [1.005, 1.01],
    [0.005, 0.01],
    [10, 10],
    [MAX_PRICE, MAX_PRICE],
  ])('rounds the price %p to %p', async (price, expected) => {
    const { value, errors } = await validate(CreateMenuItemDto, { ...VALID, price });
    expect(errors).toBeUndefined();
    expect(value?.price).toBe(expected);
  });

  it.each([
    [0, 'price:isPositive'],
    [-1, 'price:isPositive'],
    [0.004, 'price:isPositive'],
    [MAX_PRICE + 0.01, 'price:max'],
    ['9.99', 'price:isNumber'],
    [Number.NaN, 'price:isNumber'],
  ])('refuses the price %p', async (price, rule) => {
    expect(rulesOf((await validate(CreateMenuItemDto, { ...VALID, price })).errors)).toContain(rule);
  });

  it.each([
    ['appetizers', 'Appetizers'],
    ['main course', 'Main Course'],
    [' ICE   cream ', 'Ice Cream'],
  ])('capitalises the category %p as %p', async (category, expected) => {
    expect((await validate(CreateMenuItemDto, { ...VALID, category })).value?.category).toBe(expected);
  });

  it('measures the name after trimming: 3 to 100 characters', async () => {
    expect(rulesOf((await validate(CreateMenuItemDto, { ...VALID, name: ' ab ' })).errors)).toEqual(['name:isLength']);
    expect((await validate(CreateMenuItemDto, { ...VALID, name: ' abc ' })).value?.name).toBe('abc');
    expect(rulesOf((await validate(CreateMenuItemDto, { ...VALID, name: 'n'.repeat(101) })).errors)).toEqual(['name:isLength']);
  });

  it.each([
    [{ preparation_time: 0 }, 'preparation_time:min'],
    [{ preparation_time: 1441 }, 'preparation_time:max'],
    [{ preparation_time: 2.5 }, 'preparation_time:isInt'],
    [{ is_vegetarian: 'true' }, 'is_vegetarian:isBoolean'],
    [{ is_available: null }, 'is_available:isBoolean'],
    [{ category: '' }, 'category:isLength'],
    [{ category: 'c'.repeat(51) }, 'category:isLength'],
    [{ restaurant_id: 1 }, 'restaurant_id:unknown_field'],
  ])('refuses %p', async (overrides, rule) => {
    expect(rulesOf((await validate(CreateMenuItemDto, { ...VALID, ...overrides })).errors)).toContain(rule);
  });

  it('does not require a vegan item to be vegetarian (no such rule in the spec)', async () => {
    expect((await validate(CreateMenuItemDto, { ...VALID, is_vegan: true, is_vegetarian: false })).errors).toBeUndefined();
  });
});

describe('UpdateMenuItemDto', () => {
  it('refuses restaurant_id: an item cannot move to another restaurant', async () => {
    expect(rulesOf((await validate(UpdateMenuItemDto, { restaurant_id: 2 })).errors)).toEqual(['restaurant_id:unknown_field']);
  });

  it('rounds a new price', async () => {
    expect((await validate(UpdateMenuItemDto, { price: 8.499 })).value?.price).toBe(8.5);
  });

  it.each(['name', 'price', 'category', 'is_vegetarian', 'is_vegan', 'is_gluten_free', 'is_available'])(
    'refuses %s sent as null (its column is NOT NULL)',
    async (field) => {
      expect((await validate(UpdateMenuItemDto, { [field]: null })).errors?.map((error) => error.field)).toContain(field);
    },
  );

  it.each(['description', 'preparation_time'])('accepts %s sent as null, to clear it', async (field) => {
    expect((await validate(UpdateMenuItemDto, { [field]: null })).errors).toBeUndefined();
  });
});

describe('MenuItemSearchQuery', () => {
  it('converts the query strings', async () => {
    const { value } = await validate(
      MenuItemSearchQuery,
      { q: ' pizza ', category: 'main course', vegetarian: 'true', vegan: 'false', min_price: '5', max_price: '12.5', restaurant_id: '3' },
      'query',
    );
    expect(value).toMatchObject({
      q: 'pizza',
      category: 'Main Course',
      vegetarian: true,
      vegan: false,
      min_price: 5,
      max_price: 12.5,
      restaurant_id: 3,
    });
  });

  it.each([
    [{ vegetarian: 'maybe' }, 'vegetarian:isBoolean'],
    [{ min_price: 'abc' }, 'min_price:isNumber'],
    [{ min_price: '0' }, 'min_price:isPositive'],
    [{ max_price: '-5' }, 'max_price:isPositive'],
    [{ restaurant_id: '1.5' }, 'restaurant_id:id'],
    [{ limit: '1000' }, 'limit:max'],
  ])('refuses %p', async (query, rule) => {
    expect(rulesOf((await validate(MenuItemSearchQuery, query, 'query')).errors)).toContain(rule);
  });
});

describe('toMenuItemResponse', () => {
  it('serialises every column in a fixed order, dates as ISO strings, leaving out the restaurant', () => {
    const item = {
      restaurant: undefined,
      updated_at: new Date('2025-01-15T18:31:00Z'),
      created_at: new Date('2025-01-15T18:30:00Z'),
      restaurant_id: 2,
      preparation_time: 15,
      is_available: true,
      is_gluten_free: false,
      is_vegan: false,
      is_vegetarian: true,
      category: 'Main Course',
      price: 12.99,
      description: null,
      name: 'Margherita Pizza',
      id: 5,
    } as MenuItem;
    expect(JSON.stringify(toMenuItemResponse(item))).toBe(
      '{"id":5,"name":"Margherita Pizza","description":null,"price":12.99,"category":"Main Course",' +
        '"is_vegetarian":true,"is_vegan":false,"is_gluten_free":false,"is_available":true,"preparation_time":15,' +
        '"restaurant_id":2,"created_at":"2025-01-15T18:30:00.000Z","updated_at":"2025-01-15T18:31:00.000Z"}',
    );
  });
});
