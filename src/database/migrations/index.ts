import { InitialSchema1763776800000 } from './1763776800000-InitialSchema.js';

/** Applied in this order at start-up; `npm run migration:generate` appends new ones here. */
export const MIGRATIONS = [InitialSchema1763776800000];
