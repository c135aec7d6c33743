import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module.js';
import { Clock } from './clock.js';
import { NotificationsRepository } from './notifications.repository.js';
import { OrderExistsGuard } from './order-exists.guard.js';
import { OrderStatusStream } from './order-status-stream.js';
import { RealtimeController } from './realtime.controller.js';
import { RealtimeRepository } from './realtime.repository.js';
import { RealtimeService } from './realtime.service.js';
import { StreamLimitsModule } from './stream-limits.js';

@Module({
  // StreamLimitsModule is global: other stream routes (admin ones included) share its caps.
  imports: [OrdersModule, StreamLimitsModule],
  controllers: [RealtimeController],
  providers: [Clock, RealtimeService, RealtimeRepository, NotificationsRepository, OrderStatusStream, OrderExistsGuard],
  // The cleanup job prunes old notifications.
  exports: [NotificationsRepository, RealtimeService],
})
export class RealtimeModule {}
