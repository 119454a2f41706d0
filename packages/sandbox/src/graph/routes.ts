// The routing table of the Graph front end.
import { batchRoutes } from './resources/batch.ts';
import { calendarViewRoutes } from './resources/calendar-view.ts';
import { contactRoutes } from './resources/contacts.ts';
import { eventRoutes } from './resources/events.ts';
import { mailRoutes } from './resources/mail.ts';
import { scheduleRoutes } from './resources/schedule.ts';
import { subscriptionRoutes } from './resources/subscriptions.ts';
import { todoRoutes } from './resources/todo.ts';
import { userRoutes } from './resources/users.ts';
import type { Route } from './types.ts';

export const GRAPH_ROUTES: readonly Route[] = [
  ...userRoutes,
  ...contactRoutes,
  ...eventRoutes,
  ...calendarViewRoutes,
  ...scheduleRoutes,
  ...todoRoutes,
  ...mailRoutes,
  ...subscriptionRoutes,
  ...batchRoutes,
];
