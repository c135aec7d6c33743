import { ApiProperty } from '@nestjs/swagger';

export class TourFigure {
  @ApiProperty({ example: 'hit ratio', description: 'What the number counts' })
  name: string;

  @ApiProperty({
    example: 0.83,
    nullable: true,
    type: Number,
    description: 'Its value on this instance now (null: nothing to measure yet)',
  })
  value: number | null;
}

export class TourLink {
  @ApiProperty({ example: 'GET' })
  method: string;

  @ApiProperty({ example: '/cache/metrics/hit-ratio' })
  path: string;
}

export class TourStop {
  @ApiProperty({ example: 'Two-tier reads' })
  feature: string;

  @ApiProperty({ example: 'Reads go to the in-process L1 first, then Redis, then the database.' })
  how_it_works: string;

  @ApiProperty({ type: [TourFigure], description: 'Live figures of this instance, counted since counters_since' })
  figures: TourFigure[];

  @ApiProperty({ type: TourLink, description: 'The route that shows more' })
  see: TourLink;
}

export class FeatureTourResponse {
  @ApiProperty({ example: '2025-01-15T12:00:00.000Z' })
  generated_at: string;

  @ApiProperty({ example: '2025-01-15T11:00:00.000Z', description: 'The cache counters run since this instance started (or last reset)' })
  counters_since: string;

  @ApiProperty({ type: [TourStop] })
  stops: TourStop[];
}
