import { Controller, type MessageEvent, Sse } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { Allow } from '../access/access.decorators.js';
import { LimitedStream } from '../realtime/stream-limits.js';
import { OPS_EVENT, OPS_EVENT_MODELS } from './dto/ops-stream.dto.js';
import { OpsSnapshots, SNAPSHOT_MS } from './ops-snapshots.js';
import { tag } from '../common/http/api-tags.js';

@ApiTags(tag('Operations'))
@Allow()
@Controller('ops')
export class OpsController {
  constructor(private readonly snapshots: OpsSnapshots) {}

  @Sse('stream')
  @LimitedStream()
  @ApiOperation({
    summary: 'Server-sent events for the operations page at /ops/: the overview history, then a snapshot every second',
    description:
      'First a "history" event: {instance, instances: [{id, self, points}], total: points}, the last 15 minutes of requests/s, ' +
      'p50/p95/p99 latency (ms), error rate and cache hit ratio per second, per instance sharing the Redis and in total. ' +
      `Then a "snapshot" event every ${SNAPSHOT_MS / 1000} s: the last seconds of those points, this instance's cache figures ` +
      'per namespace (with the Redis keys and bytes, counted at most every 5 s), the jobs as GET /jobs, the alerts (open first), ' +
      'the live orders as GET /realtime/live-orders and the latest cache audit records; a section that failed carries {error}. ' +
      'The stream ends with a "reconnect" event when the instance shuts down or when the access token that opened it expires; ' +
      'it counts against the same per-caller and per-instance stream caps as the order event streams.',
  })
  @ApiExtraModels(...OPS_EVENT_MODELS)
  @ApiOkResponse({
    description:
      'An event stream; the schema describes one event (its `data` line is the JSON shown: OpsHistoryEventData, OpsSnapshotEventData or StreamReconnectEventData). Errors are JSON, before the stream opens.',
    content: { 'text/event-stream': { schema: OPS_EVENT } },
  })
  stream(): Observable<MessageEvent> {
    return this.snapshots.stream();
  }
}
