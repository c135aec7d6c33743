import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config.js';
import { Registry } from 'prom-client';
import { AlertNotifier } from './alert-notifier.js';
import { AlertSignals } from './alert-signals.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import { DependencyProbe } from './dependency-probe.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { HttpMetrics } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { createMetricsRegistry, MetricsService } from './metrics.service.js';
import { ALERT_WEBHOOK, defaultAlertWebhookOptions } from './monitoring.constants.js';

/**
 * GET /health (liveness), GET /health/ready (readiness), GET /metrics (Prometheus) and alerts.
 * Exports AlertsService, whose evaluate() the health-monitor job calls, and the metrics Registry,
 * on which other modules register their own metrics.
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController, MetricsController, AlertsController],
  providers: [
    { provide: Registry, useFactory: createMetricsRegistry },
    {
      provide: ALERT_WEBHOOK,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...defaultAlertWebhookOptions(), url: config.alerts.webhookUrl }),
    },
    HttpMetrics,
    MetricsService,
    DependencyProbe,
    HealthService,
    AlertSignals,
    AlertNotifier,
    AlertsRepository,
    AlertsService,
  ],
  exports: [AlertsService, HttpMetrics, Registry],
})
export class MonitoringModule {}
