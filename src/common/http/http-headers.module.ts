import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CacheControlPolicy } from './cache-control.js';

/** Sets Cache-Control on every answer, from the routes' declarations ({@link CacheControlPolicy}). */
@Module({ imports: [DiscoveryModule], providers: [CacheControlPolicy] })
export class HttpHeadersModule {}
