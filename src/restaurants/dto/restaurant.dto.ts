import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';
import { PaginationQuery } from '../../common/pagination/pagination.js';
import { apiPresence, Presence } from '../../common/validation/presence.js';
import { CapitalizeWords, RoundToCents, ToBoolean, ToNumber, Trim } from '../../common/validation/transforms.js';
import {
  IsPhoneNumber,
  IsTimeOfDay,
  MaxTextLength,
  PHONE_PATTERN,
  TextLength,
  TIME_OF_DAY_PATTERN,
} from '../../common/validation/validators.js';
import type { Restaurant } from '../entities/restaurant.entity.js';

/*
 * Each field's rules are written once and shared by the create body (required or defaulted
 * fields) and the update body (every field may be left out).
 */
const NameField = (presence: Presence) =>
  applyDecorators(
    ApiProperty({
      ...apiPresence(presence),
      example: 'Pizza Palace',
      minLength: 3,
      maxLength: 100,
      description: 'Trimmed; unique case-insensitively',
    }),
    Presence(presence),
    Trim(),
    IsString(),
    TextLength(3, 100),
  );

const DescriptionField = () =>
  applyDecorators(
    ApiProperty({ ...apiPresence('nullable'), type: String, example: 'Authentic Italian pizza', maxLength: 2000 }),
    Presence('nullable'),
    Trim(),
    IsString(),
    MaxTextLength(2000),
  );

const CuisineTypeField = (presence: Presence) =>
  applyDecorators(
    ApiProperty({
      ...apiPresence(presence),
      example: 'Italian',
      minLength: 1,
      maxLength: 50,
      description: 'Stored capitalised: "north indian" becomes "North Indian"',
    }),
    Presence(presence),
    CapitalizeWords(),
    IsString(),
    TextLength(1, 50),
  );

const AddressField = (presence: Presence) =>
  applyDecorators(
    ApiProperty({ ...apiPresence(presence), example: '123 Main St, City', minLength: 1, maxLength: 500 }),
    Presence(presence),
    Trim(),
    IsString(),
    TextLength(1, 500),
  );

const PhoneNumberField = (presence: Presence) =>
  applyDecorators(
    ApiProperty({ ...apiPresence(presence), example: '+1-555-0123', minLength: 7, maxLength: 20, pattern: PHONE_PATTERN.source }),
    Presence(presence),
    Trim(),
    IsString(),
    IsPhoneNumber(),
  );

const RatingField = () =>
  applyDecorators(
    ApiProperty({ ...apiPresence('omittable'), example: 4.5, minimum: 0, maximum: 5, default: 0, description: 'Rounded to 2 decimals' }),
    Presence('omittable'),
    RoundToCents(),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(0),
    Max(5),
  );

const IsActiveField = () =>
  applyDecorators(ApiProperty({ ...apiPresence('omittable'), example: true, default: true }), Presence('omittable'), IsBoolean());

const TimeOfDayField = (example: string) =>
  applyDecorators(
    ApiProperty({
      ...apiPresence('nullable'),
      type: String,
      example,
      pattern: TIME_OF_DAY_PATTERN.source,
      description: 'HH:MM or HH:MM:SS (24-hour); returned as HH:MM:SS',
    }),
    Presence('nullable'),
    IsString(),
    IsTimeOfDay(),
  );

const CapacityField = () =>
  applyDecorators(
    ApiProperty({
      ...apiPresence('omittable'),
      type: 'integer',
      example: 20,
      minimum: 1,
      maximum: 1000,
      default: 20,
      description: 'Orders in progress the kitchen can take at once',
    }),
    Presence('omittable'),
    IsInt(),
    Min(1),
    Max(1000),
  );

export class CreateRestaurantDto {
  @NameField('required')
  name: string;

  @DescriptionField()
  description?: string | null;

  @CuisineTypeField('required')
  cuisine_type: string;

  @AddressField('required')
  address: string;

  @PhoneNumberField('required')
  phone_number: string;

  @RatingField()
  rating?: number;

  @IsActiveField()
  is_active?: boolean;

  @TimeOfDayField('10:00:00')
  opening_time?: string | null;

  @TimeOfDayField('22:00:00')
  closing_time?: string | null;

  @CapacityField()
  capacity?: number;
}

/** A partial update: only the fields sent change; null clears a nullable field. */
export class UpdateRestaurantDto {
  @NameField('omittable')
  name?: string;

  @DescriptionField()
  description?: string | null;

  @CuisineTypeField('omittable')
  cuisine_type?: string;

  @AddressField('omittable')
  address?: string;

  @PhoneNumberField('omittable')
  phone_number?: string;

  @RatingField()
  rating?: number;

  @IsActiveField()
  is_active?: boolean;

  @TimeOfDayField('10:00:00')
  opening_time?: string | null;

  @TimeOfDayField('22:00:00')
  closing_time?: string | null;

  @CapacityField()
  capacity?: number;
}

export class RestaurantSearchQuery extends PaginationQuery {
  @ApiPropertyOptional({ example: 'italian', minLength: 1, maxLength: 50, description: 'Cuisine type, case-insensitive exact match' })
  @IsOptional()
  @CapitalizeWords()
  @IsString()
  @TextLength(1, 50)
  cuisine?: string;

  @ApiPropertyOptional({ example: 4, minimum: 0, maximum: 5, description: 'Only restaurants rated at least this' })
  @IsOptional()
  @ToNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(5)
  min_rating?: number;

  @ApiPropertyOptional({ example: 'main st', minLength: 1, maxLength: 500, description: 'Case-insensitive substring of the address' })
  @IsOptional()
  @Trim()
  @IsString()
  @TextLength(1, 500)
  location?: string;

  @ApiPropertyOptional({ example: true, description: 'true or false' })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  is_active?: boolean;
}

export class RestaurantResponse {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'Pizza Palace' })
  name: string;

  @ApiProperty({ example: 'Authentic Italian pizza', nullable: true, type: String })
  description: string | null;

  @ApiProperty({ example: 'Italian' })
  cuisine_type: string;

  @ApiProperty({ example: '123 Main St, City' })
  address: string;

  @ApiProperty({ example: '+1-555-0123' })
  phone_number: string;

  @ApiProperty({ example: 4.5 })
  rating: number;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: '10:00:00', nullable: true, type: String })
  opening_time: string | null;

  @ApiProperty({ example: '22:00:00', nullable: true, type: String })
  closing_time: string | null;

  @ApiProperty({ example: 20 })
  capacity: number;

  @ApiProperty({ example: '2024-01-15T18:30:00.000Z', format: 'date-time' })
  created_at: string;

  @ApiProperty({
    example: '2024-01-15T18:30:00.000Z',
    format: 'date-time',
    description: 'When a field shown here last changed; a review that leaves the rating where it was does not count',
  })
  updated_at: string;
}

/** The one serialisation of a restaurant: every route returning one uses it (fixed key order). */
export function toRestaurantResponse(restaurant: Restaurant): RestaurantResponse {
  return {
    id: restaurant.id,
    name: restaurant.name,
    description: restaurant.description,
    cuisine_type: restaurant.cuisine_type,
    address: restaurant.address,
    phone_number: restaurant.phone_number,
    rating: restaurant.rating,
    is_active: restaurant.is_active,
    opening_time: restaurant.opening_time,
    closing_time: restaurant.closing_time,
    capacity: restaurant.capacity,
    created_at: restaurant.created_at.toISOString(),
    updated_at: restaurant.updated_at.toISOString(),
  };
}
