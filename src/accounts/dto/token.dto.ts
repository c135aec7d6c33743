import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { AccountResponse, PASSWORD_MAX_LENGTH } from './account.dto.js';

/** Issued refresh tokens are 43 characters; anything far longer is not worth a lookup. */
const REFRESH_TOKEN_MAX_LENGTH = 256;

export class LoginDto {
  @ApiProperty({ example: 'john.doe@example.com', description: 'Compared case-insensitively' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value), { toClassOnly: true })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password', writeOnly: true })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}

export class RefreshTokenDto {
  @ApiProperty({ example: 'kq3Zb3H2m6xXo1lQyq0u2yVtW9dQ4F1xH8rT0pN5sEw', description: 'From login, register or the last refresh' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(REFRESH_TOKEN_MAX_LENGTH)
  refresh_token: string;
}

export class TokenResponse {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…', description: 'JWT (HS256); send as Authorization: Bearer <access_token>' })
  access_token: string;

  @ApiProperty({
    example: 'kq3Zb3H2m6xXo1lQyq0u2yVtW9dQ4F1xH8rT0pN5sEw',
    description: 'Opaque and single-use: POST /auth/refresh answers with a new one. Replaying a used one revokes the whole sign-in.',
  })
  refresh_token: string;

  @ApiProperty({ enum: ['bearer'], example: 'bearer' })
  token_type: 'bearer';

  @ApiProperty({ type: 'integer', example: 900, description: 'Seconds until access_token expires' })
  expires_in: number;
}

export class RegisterResponse extends TokenResponse {
  @ApiProperty({ type: AccountResponse })
  account: AccountResponse;
}
