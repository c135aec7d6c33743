import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.decorator.js';
import { NoStore } from '../common/http/cache-control.js';
import { Allow, Public } from '../access/access.decorators.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { SignedIn } from '../access/grants.js';
import { StrictRateLimit } from '../access/rate-limit.js';
import { AuthService } from './auth.service.js';
import { AccountResponse, RegisterDto } from './dto/account.dto.js';
import { LoginDto, RefreshTokenDto, RegisterResponse, TokenResponse } from './dto/token.dto.js';
import type { Principal } from '../access/principal.js';
import { tag } from '../common/http/api-tags.js';

@ApiTags(tag('Auth'))
// Tokens and the signed-in account: never kept by a browser, proxy or CDN.
@NoStore()
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Public()
  @StrictRateLimit()
  @ApiOperation({ summary: 'Create a customer account with its Customer, and sign in' })
  @ApiCreatedResponse({ type: RegisterResponse })
  @ApiErrors(400, 409)
  register(@Body() dto: RegisterDto): Promise<RegisterResponse> {
    return this.auth.register(dto);
  }

  @Post('login')
  @Public()
  @StrictRateLimit({ perAccount: true })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrors(400, 401)
  login(@Body() dto: LoginDto): Promise<TokenResponse> {
    return this.auth.login(dto);
  }

  @Post('refresh')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Trade a refresh token for a new pair (the old one stops working; replaying it signs the session out)',
  })
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrors(400, 401)
  refresh(@Body() dto: RefreshTokenDto): Promise<TokenResponse> {
    return this.auth.refresh(dto.refresh_token);
  }

  @Post('logout')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign out: revoke the refresh token and every token rotated from the same sign-in' })
  @ApiNoContentResponse({ description: 'Signed out (also when the token was unknown or already revoked)' })
  @ApiErrors(400)
  logout(@Body() dto: RefreshTokenDto): Promise<void> {
    return this.auth.logout(dto.refresh_token);
  }

  @Get('me')
  @Allow(SignedIn)
  @ApiOperation({ summary: 'The signed-in account' })
  @ApiOkResponse({ type: AccountResponse })
  @ApiErrors(404)
  me(@CurrentPrincipal() principal: Principal | undefined): Promise<AccountResponse> {
    return this.auth.me(principal);
  }
}
