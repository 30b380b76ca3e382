import { isPlainObject } from './object.ts';

/** Python truthiness, because ElastAlert2 tests options and values with `if value:`. */
export function pyTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return !Number.isNaN(value);
}
