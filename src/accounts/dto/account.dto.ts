import { ApiProperty, IntersectionType, PickType } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import { MAX_ID } from '../../common/validation/parse-id.pipe.js';
import { CreateCustomerDto } from '../../customers/dto/customer.dto.js';
import type { Account } from '../entities/account.entity.js';
import { ROLES, type Role } from '../../access/principal.js';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/** Roles an admin may give an account; customer accounts come from POST /auth/register. */
export const STAFF_ROLES = ['restaurant_owner', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A new password; taken exactly as sent (never trimmed), never logged or echoed. */
export class NewPassword {
  @ApiProperty({
    example: 'correct horse battery staple',
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    format: 'password',
    writeOnly: true,
  })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password: string;
}

/** The fields of POST /customers/ (without is_active: a new customer is active) and a password. */
export class RegisterDto extends IntersectionType(
  PickType(CreateCustomerDto, ['name', 'email', 'phone_number', 'address'] as const),
  NewPassword,
) {}

export class CreateAccountDto extends IntersectionType(PickType(CreateCustomerDto, ['email'] as const), NewPassword) {
  @ApiProperty({ enum: STAFF_ROLES, example: 'restaurant_owner' })
  @IsIn(STAFF_ROLES)
  role: StaffRole;
}

export class AssignOwnerDto {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 7,
    minimum: 1,
    maximum: MAX_ID,
    description: 'A restaurant_owner account; null removes the owner (then only admins manage the restaurant)',
  })
  @ValidateIf((_dto, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  account_id: number | null;
}

export class AccountResponse {
  @ApiProperty({ type: 'integer', example: 7 })
  id: number;

  @ApiProperty({ example: 'john.doe@example.com' })
  email: string;

  @ApiProperty({ enum: ROLES, example: 'customer' })
  role: Role;

  @ApiProperty({ type: 'integer', nullable: true, example: 1, description: 'The Customer of a customer account; null for other roles' })
  customer_id: number | null;
}

export function toAccountResponse(account: Pick<Account, 'id' | 'email' | 'role' | 'customer_id'>): AccountResponse {
  return { id: account.id, email: account.email, role: account.role, customer_id: account.customer_id };
}
