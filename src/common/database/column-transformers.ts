import type { ValueTransformer } from 'typeorm';

/**
 * `numeric` arrives from pg as a string so no precision is lost in transit. Money is numeric(10,2),
 * which a double represents exactly to the cent for display, so the API returns JSON numbers;
 * every sum is computed in SQL on the exact numeric values.
 */
export const numericToNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? value : Number(value)),
};
