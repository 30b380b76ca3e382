import type { RuleDefinition } from '../rules/types.ts';
import { strftime } from '../query/strftime.ts';

/** ElastAlert2's pretty_ts format when a rule asks for zoned times without its own format. */
const PRETTY_FORMAT = '%Y-%m-%d %H:%M %z';

/** Whether `zone` is an IANA time zone this runtime knows ("Europe/Istanbul", "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes east of UTC of `zone` at instant `ms`. */
export function zoneOffsetMinutes(zone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** `ms` as Python's strftime would print it in `zone` (%z and %Z included). */
export function formatInZone(format: string, ms: number, zone: string): string {
  const offset = zoneOffsetMinutes(zone, ms);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const z = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  // %z and %Z are the zone's, not UTC's: replaced before the shifted time is formatted.
  const zoned = format.replace(/%%|%z|%Z/g, (t) => (t === '%z' ? z : t === '%Z' ? zone.replaceAll('%', '%%') : t));
  return strftime(zoned, new Date(ms + offset * 60_000));
}

/**
 * The zone alert times are shown in: query_timezone when set, else the machine's zone with
 * use_local_time: true (ElastAlert2's default; LogWarden keeps UTC unless asked), else undefined.
 */
export function alertTimeZone(rule: Pick<RuleDefinition, 'options'>): string | undefined {
  const zone = rule.options['query_timezone'];
  if (typeof zone === 'string' && zone !== '') return zone;
  if (rule.options['use_local_time'] === true) return Intl.DateTimeFormat().resolvedOptions().timeZone;
  return undefined;
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z\b/g;

/**
 * Rule types describe matches with UTC ISO times. When the rule asks for zoned or custom times
 * (use_local_time, query_timezone, custom_pretty_ts_format), those instants are rewritten as
 * ElastAlert2's pretty_ts prints them: custom_pretty_ts_format, else "%Y-%m-%d %H:%M %z".
 * Without those options the text is unchanged (UTC stays the default).
 */
export function prettyTimes(rule: Pick<RuleDefinition, 'options'>, text: string): string {
  const custom = rule.options['custom_pretty_ts_format'];
  const zone = alertTimeZone(rule);
  if (zone === undefined && typeof custom !== 'string') return text;
  const format = typeof custom === 'string' ? custom : PRETTY_FORMAT;
  return text.replace(ISO_INSTANT, (iso) => formatInZone(format, Date.parse(iso), zone ?? 'UTC'));
}
