import { Injectable } from '@nestjs/common';
import { type CacheCounterReport, CacheReports, type CacheStorageReport } from '../cache/cache-reports.js';
import { CacheAuditQuery } from './dto/cache-audit.dto.js';
import { CacheInspectionService } from './inspection/cache-inspection.service.js';
import { CacheAuditService } from './maintenance/cache-audit.service.js';

/** {@link CacheReports} from the inspection figures (GET /cache/stats/detailed, /cache/memory) and the audit log. */
@Injectable()
export class CacheOpsReports extends CacheReports {
  constructor(
    private readonly inspection: CacheInspectionService,
    private readonly audit: CacheAuditService,
  ) {
    super();
  }

  counters(): CacheCounterReport {
    return this.inspection.detailedStats();
  }

  storage(): Promise<CacheStorageReport> {
    return this.inspection.memoryUsage();
  }

  async latestChanges(limit: number): Promise<readonly object[]> {
    const page = await this.audit.list(Object.assign(new CacheAuditQuery(), { skip: 0, limit }));
    return page.items;
  }
}
