import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNumber, IsOptional, IsPositive, IsString, Max, Min } from 'class-validator';
import { PaginationQuery } from '../../common/pagination/pagination.js';
import { MAX_ID, QueryId } from '../../common/validation/parse-id.pipe.js';
import { apiPresence, Presence } from '../../common/validation/presence.js';
import { CapitalizeWords, RoundToCents, ToBoolean, ToNumber, Trim } from '../../common/validation/transforms.js';
import { TextLength } from '../../common/validation/validators.js';
import type { MenuItem } from '../entities/menu-item.entity.js';

/** The largest numeric(10,2). */
export const MAX_PRICE = 99_999_999.99;

/*
 * Each field's rules are written once and shared by the create body (required or defaulted
 * fields) and the update body (every field may be left out).
 */
const NameField = (presence: Presence) =>
  applyDecorators(
    ApiProperty({ ...apiPresence(presence), example: 'Margherita Pizza', minLength: 3, maxLength: 100, description: 'Trimmed' }),
    Presence(presence),
    Trim(),
    IsString(),
    TextLength(3, 100),
  );

const DescriptionField = () =>
  applyDecorators(
    ApiProperty({ ...apiPresence('nullable'), type: String, example: 'Classic pizza with tomato, mozzarella, and basil' }),
    Presence('nullable'),
    Trim(),
    IsString(),
  );

const PriceField = (presence: Presence) =>
  applyDecorators(
    ApiProperty({
      ...apiPresence(presence),
      example: 12.99,
      minimum: 0,
      exclusiveMinimum: true,
      maximum: MAX_PRICE,
      description: 'Rounded half-up to 2 decimals, then must be positive',
    }),
    Presence(presence),
    RoundToCents(),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    IsPositive(),
    Max(MAX_PRICE),
  );

const CategoryField = (presence: Presence) =>
  applyDecorators(
    ApiProperty({
      ...apiPresence(presence),
      example: 'Main Course',
      minLength: 1,
      maxLength: 50,
      description: 'Stored capitalised: "main course" becomes "Main Course"',
    }),
    Presence(presence),
    CapitalizeWords(),
    IsString(),
    TextLength(1, 50),
  );

const FlagField = (example: boolean, defaultValue: boolean) =>
  applyDecorators(ApiProperty({ ...apiPresence('omittable'), example, default: defaultValue }), Presence('omittable'), IsBoolean());

const PreparationTimeField = () =>
  applyDecorators(
    ApiProperty({ ...apiPresence('nullable'), type: 'integer', example: 15, minimum: 1, maximum: 1440, description: 'Minutes' }),
    Presence('nullable'),
    IsInt(),
    Min(1),
    Max(1440),
  );

/** A new item; its restaurant comes from the path. */
export class CreateMenuItemDto {
  @NameField('required')
  name: string;

  @DescriptionField()
  description?: string | null;

  @PriceField('required')
  price: number;

  @CategoryField('required')
  category: string;

  @FlagField(true, false)
  is_vegetarian?: boolean;

  @FlagField(false, false)
  is_vegan?: boolean;

  @FlagField(false, false)
  is_gluten_free?: boolean;

  @FlagField(true, true)
  is_available?: boolean;

  @PreparationTimeField()
  preparation_time?: number | null;
}

/** A partial update: only the fields sent change; null clears a nullable field. The restaurant cannot change. */
export class UpdateMenuItemDto {
  @NameField('omittable')
  name?: string;

  @DescriptionField()
  description?: string | null;

  @PriceField('omittable')
  price?: number;

  @CategoryField('omittable')
  category?: string;

  @FlagField(true, false)
  is_vegetarian?: boolean;

  @FlagField(false, false)
  is_vegan?: boolean;

  @FlagField(false, false)
  is_gluten_free?: boolean;

  @FlagField(true, true)
  is_available?: boolean;

  @PreparationTimeField()
  preparation_time?: number | null;
}

const PriceQuery = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ example: 15, minimum: 0, exclusiveMinimum: true, maximum: MAX_PRICE, description }),
    IsOptional(),
    ToNumber(),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    IsPositive(),
    Max(MAX_PRICE),
  );

const FlagQuery = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ example: true, description: `${description}: true or false` }),
    IsOptional(),
    ToBoolean(),
    IsBoolean(),
  );

export class MenuItemSearchQuery extends PaginationQuery {
  @ApiPropertyOptional({
    example: 'pizza',
    minLength: 1,
    maxLength: 100,
    description: 'Case-insensitive substring of the name or the description',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @TextLength(1, 100)
  q?: string;

  @ApiPropertyOptional({ example: 'main course', minLength: 1, maxLength: 50, description: 'Category, case-insensitive exact match' })
  @IsOptional()
  @CapitalizeWords()
  @IsString()
  @TextLength(1, 50)
  category?: string;

  @FlagQuery('Vegetarian items only, or non-vegetarian only')
  vegetarian?: boolean;

  @FlagQuery('Vegan items only, or non-vegan only')
  vegan?: boolean;

  @FlagQuery('Gluten-free items only, or not gluten-free only')
  gluten_free?: boolean;

  @FlagQuery('Available items only, or unavailable only')
  available?: boolean;

  @PriceQuery('Lowest price, inclusive')
  min_price?: number;

  @PriceQuery('Highest price, inclusive; must not be below min_price')
  max_price?: number;

  @ApiPropertyOptional({ type: 'integer', example: 1, minimum: 1, maximum: MAX_ID, description: 'Items of this restaurant only' })
  @IsOptional()
  @QueryId()
  restaurant_id?: number;
}

export class MenuItemResponse {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'Margherita Pizza' })
  name: string;

  @ApiProperty({ example: 'Classic pizza with tomato, mozzarella, and basil', nullable: true, type: String })
  description: string | null;

  @ApiProperty({ example: 12.99 })
  price: number;

  @ApiProperty({ example: 'Main Course' })
  category: string;

  @ApiProperty({ example: true })
  is_vegetarian: boolean;

  @ApiProperty({ example: false })
  is_vegan: boolean;

  @ApiProperty({ example: false })
  is_gluten_free: boolean;

  @ApiProperty({ example: true })
  is_available: boolean;

  @ApiProperty({ example: 15, nullable: true, type: Number })
  preparation_time: number | null;

  @ApiProperty({ example: 1 })
  restaurant_id: number;

  @ApiProperty({ example: '2024-01-15T18:30:00.000Z', format: 'date-time' })
  created_at: string;

  @ApiProperty({ example: '2024-01-15T18:30:00.000Z', format: 'date-time' })
  updated_at: string;
}

/** The one serialisation of a menu item: every route returning one uses it (fixed key order). */
export function toMenuItemResponse(item: MenuItem): MenuItemResponse {
  return {
    id: item.id,
    name: item.name,
    description: item.description,
    price: item.price,
    category: item.category,
    is_vegetarian: item.is_vegetarian,
    is_vegan: item.is_vegan,
    is_gluten_free: item.is_gluten_free,
    is_available: item.is_available,
    preparation_time: item.preparation_time,
    restaurant_id: item.restaurant_id,
    created_at: item.created_at.toISOString(),
    updated_at: item.updated_at.toISOString(),
  };
}

/** The dietary filters of GET /menu-items/dietary/{dietary_type}. */
export const DIETARY_TYPES = ['vegetarian', 'vegan', 'gluten-free'] as const;
export type DietaryType = (typeof DIETARY_TYPES)[number];
