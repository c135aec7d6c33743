import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { PaginationQuery } from '../../common/pagination/pagination.js';
import { ToBoolean, Trim } from '../../common/validation/transforms.js';
import { Presence } from '../../common/validation/presence.js';
import { IsPhoneNumber, MaxTextLength, PHONE_PATTERN, TextLength } from '../../common/validation/validators.js';
import type { Customer } from '../entities/customer.entity.js';

export const NAME_MIN_LENGTH = 2;
export const NAME_MAX_LENGTH = 100;
export const EMAIL_MAX_LENGTH = 255;
export const ADDRESS_MAX_LENGTH = 500;

/** Emails are compared case-insensitively, so they are stored trimmed and lower-case. */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

const NormalizeEmail = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeEmail(value) : value), { toClassOnly: true });

/**
 * May be left out, but not sent as null: class-validator's IsOptional would let null through to
 * the NOT NULL columns.
 */

const NameRules = () => applyDecorators(Trim(), IsString(), TextLength(NAME_MIN_LENGTH, NAME_MAX_LENGTH));
const EmailRules = () => applyDecorators(NormalizeEmail(), IsString(), MaxTextLength(EMAIL_MAX_LENGTH), IsEmail());
const PhoneRules = () => applyDecorators(Trim(), IsString(), IsPhoneNumber());
const AddressRules = () => applyDecorators(Trim(), IsString(), IsNotEmpty(), MaxTextLength(ADDRESS_MAX_LENGTH));
const ActiveRules = () => applyDecorators(Presence('omittable'), IsBoolean());

const NAME_DOC = { example: 'John Doe', minLength: NAME_MIN_LENGTH, maxLength: NAME_MAX_LENGTH, description: 'Trimmed' };
const EMAIL_DOC = {
  example: 'john.doe@example.com',
  maxLength: EMAIL_MAX_LENGTH,
  format: 'email',
  description: 'Stored trimmed and lower-case; unique case-insensitively',
};
const PHONE_DOC = {
  example: '+1-555-0456',
  minLength: 7,
  maxLength: 20,
  pattern: PHONE_PATTERN.source,
  description: 'International format',
};
const ADDRESS_DOC = { example: '456 Oak Ave, City', minLength: 1, maxLength: ADDRESS_MAX_LENGTH, description: 'Trimmed, not empty' };
const ACTIVE_DOC = { example: true, description: 'Inactive customers keep their history; defaults to true' };

export class CreateCustomerDto {
  @ApiProperty(NAME_DOC)
  @NameRules()
  name: string;

  @ApiProperty(EMAIL_DOC)
  @EmailRules()
  email: string;

  @ApiProperty(PHONE_DOC)
  @PhoneRules()
  phone_number: string;

  @ApiProperty(ADDRESS_DOC)
  @AddressRules()
  address: string;

  @ApiPropertyOptional({ ...ACTIVE_DOC, default: true })
  @ActiveRules()
  is_active?: boolean;
}

/** Partial update: only the fields sent change; none may be null. */
export class UpdateCustomerDto {
  @ApiPropertyOptional(NAME_DOC)
  @Presence('omittable')
  @NameRules()
  name?: string;

  @ApiPropertyOptional(EMAIL_DOC)
  @Presence('omittable')
  @EmailRules()
  email?: string;

  @ApiPropertyOptional(PHONE_DOC)
  @Presence('omittable')
  @PhoneRules()
  phone_number?: string;

  @ApiPropertyOptional(ADDRESS_DOC)
  @Presence('omittable')
  @AddressRules()
  address?: string;

  @ApiPropertyOptional(ACTIVE_DOC)
  @ActiveRules()
  is_active?: boolean;
}

export class ListCustomersQuery extends PaginationQuery {
  @ApiPropertyOptional({ type: Boolean, example: true, description: 'true: only active customers; false or absent: all' })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  active_only?: boolean;
}

export class CustomerResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  id: number;

  @ApiProperty({ example: 'John Doe' })
  name: string;

  @ApiProperty({ example: 'john.doe@example.com' })
  email: string;

  @ApiProperty({ example: '+1-555-0456' })
  phone_number: string;

  @ApiProperty({ example: '456 Oak Ave, City' })
  address: string;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: '2025-01-15T18:30:00.000Z', format: 'date-time' })
  created_at: string;

  @ApiProperty({ example: '2025-01-15T18:30:00.000Z', format: 'date-time' })
  updated_at: string;
}

/** The one serialisation of a customer: every route and the CustomerChanged event use it. */
export function toCustomerResponse(customer: Customer): CustomerResponse {
  return {
    id: customer.id,
    name: customer.name,
    email: customer.email,
    phone_number: customer.phone_number,
    address: customer.address,
    is_active: customer.is_active,
    created_at: customer.created_at.toISOString(),
    updated_at: customer.updated_at.toISOString(),
  };
}
