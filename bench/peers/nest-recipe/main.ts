// The usual Nest recipe for a cached read, as the Nest documentation writes it: Nest 12 on
// Fastify, CacheModule.register with a @keyv/redis store, CacheInterceptor on a controller whose
// handler reads the JSON from Postgres through TypeORM, and a route returning a constant object.
// `npm run bench:cache` compiles it (swc) and measures it beside Tiffin. Environment:
// DATABASE_URL (the table below must exist), REDIS_URL, RECIPE_NAMESPACE (its Redis keys go under
// it), HOST, PORT.
import 'reflect-metadata';
import { createKeyv } from '@keyv/redis';
import { CacheInterceptor, CacheModule } from '@nestjs/cache-manager';
import { Controller, Get, Injectable, Module, NotFoundException, Param, ParseIntPipe, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Column, Entity, PrimaryColumn, type Repository } from 'typeorm';

/** One restaurant's with-menu JSON, as Tiffin serialises it (kept as text: jsonb would reorder its keys). */
@Entity('bench_recipe_documents')
export class RestaurantDocument {
  @PrimaryColumn('integer')
  id: number;

  @Column('text')
  document: string;
}

@Injectable()
export class RestaurantsService {
  constructor(@InjectRepository(RestaurantDocument) private readonly documents: Repository<RestaurantDocument>) {}

  async withMenu(id: number): Promise<unknown> {
    const row = await this.documents.findOneBy({ id });
    if (!row) throw new NotFoundException(`Restaurant ${id} not found`);
    return JSON.parse(row.document) as unknown;
  }
}

@Controller('restaurants')
@UseInterceptors(CacheInterceptor)
export class RestaurantsController {
  constructor(private readonly restaurants: RestaurantsService) {}

  @Get(':id/with-menu')
  withMenu(@Param('id', ParseIntPipe) id: number): Promise<unknown> {
    return this.restaurants.withMenu(id);
  }
}

@Controller('health')
export class HealthController {
  @Get()
  live(): { status: string } {
    return { status: 'ok' };
  }
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

@Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'postgres', url: env('DATABASE_URL'), entities: [RestaurantDocument], synchronize: false }),
    TypeOrmModule.forFeature([RestaurantDocument]),
    CacheModule.register({ stores: [createKeyv(env('REDIS_URL'), { namespace: env('RECIPE_NAMESPACE') })], ttl: 600_000 }),
  ],
  controllers: [RestaurantsController, HealthController],
  providers: [RestaurantsService],
})
export class RecipeModule {}

const app = await NestFactory.create<NestFastifyApplication>(RecipeModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen({ port: Number(env('PORT')), host: process.env.HOST ?? '127.0.0.1' });
