import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';

class LivenessResponse {
  @ApiProperty({ example: 'ok' })
  status: 'ok';
}

const ALIVE: LivenessResponse = { status: 'ok' };

@ApiTags('health')
@Controller('health')
export class HealthController {
  /** Liveness only: answers while the process can serve HTTP, touching no dependency. */
  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  @ApiOkResponse({ type: LivenessResponse })
  live(): LivenessResponse {
    return ALIVE;
  }
}
