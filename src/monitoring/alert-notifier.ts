import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { retryWithBackoff, sleep } from './backoff.js';
import type { AlertResponse } from './dto/alert.dto.js';
import { ALERT_WEBHOOK, type AlertWebhookOptions } from './monitoring.constants.js';

export interface AlertNotification {
  event: 'alert.opened' | 'alert.resolved';
  alert: AlertResponse;
  /** What the evaluation measured, or who resolved it. */
  reason: string;
}

/**
 * Sends each notification to the log and, when a webhook URL is set, POSTs it there as JSON in
 * the background, retried with backoff: the caller (an evaluation, a request) never waits for it.
 */
@Injectable()
export class AlertNotifier implements OnApplicationShutdown {
  private readonly logger = new Logger('Alerts');
  private readonly stopping = new AbortController();
  private readonly deliveries = new Set<Promise<void>>();

  constructor(@Inject(ALERT_WEBHOOK) private readonly webhook: AlertWebhookOptions) {}

  notify(notification: AlertNotification): void {
    const { alert } = notification;
    const line = `${notification.event} #${alert.id} ${alert.rule} (${alert.severity}): ${notification.reason}`;
    if (notification.event === 'alert.opened') this.logger.warn(line);
    else this.logger.log(line);
    const url = this.webhook.url;
    if (!url) return;
    const body = JSON.stringify(notification);
    const delivery = retryWithBackoff(
      () => this.post(url, body),
      this.webhook.retryDelaysMs,
      (ms) => sleep(ms, this.stopping.signal),
    ).then((report) => {
      if (!report.delivered) {
        this.logger.error(`Webhook for ${notification.event} #${alert.id} failed after ${report.attempts} attempt(s): ${report.lastError}`);
      }
    });
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }

  /** Stops waiting between retries; deliveries in flight end within their timeout. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort(new Error('shutting down'));
    await Promise.allSettled(this.deliveries);
  }

  private async post(url: string, body: string): Promise<void> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.any([AbortSignal.timeout(this.webhook.timeoutMs), this.stopping.signal]),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`HTTP ${response.status} from the webhook`);
  }
}
