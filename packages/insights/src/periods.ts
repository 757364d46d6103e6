import { DateTime } from 'luxon';

/** A half-open time range `[start, end)` with a label in the reporting timezone. */
export interface Period {
  label: string;
  start: Date;
  end: Date;
}

/** Returns the ISO week (`2026-W49`) that contains `date` in `timezone`. */
export function isoWeekOf(date: Date, timezone: string): string {
  const local = DateTime.fromJSDate(date, { zone: assertZone(timezone) });
  return `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`;
}

/**
 * Returns the ISO week `2026-W49` in `timezone`: Monday 00:00 to the next Monday 00:00 local
 * time, so a week with a daylight-saving change lasts 167 or 169 hours.
 */
export function isoWeek(week: string, timezone: string): Period {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) throw new RangeError(`invalid ISO week "${week}": use the form 2026-W49`);

  const start = DateTime.fromObject(
    { weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 },
    { zone: assertZone(timezone) },
  );
  if (!start.isValid || start.weekNumber !== Number(match[2])) {
    throw new RangeError(`invalid ISO week "${week}": ${match[1]} has no week ${match[2]}`);
  }

  return { label: week, start: start.toJSDate(), end: start.plus({ weeks: 1 }).toJSDate() };
}

/** Shifts an ISO week by `weeks` (negative for earlier weeks). */
export function shiftWeek(week: string, weeks: number, timezone: string): Period {
  const period = isoWeek(week, timezone);
  const shifted = DateTime.fromJSDate(period.start, { zone: timezone }).plus({ weeks });
  return isoWeek(isoWeekOf(shifted.toJSDate(), timezone), timezone);
}

/** Returns the local days of `[start, end)` in `timezone` as bucket boundaries. */
export function dayBoundaries(start: Date, end: Date, timezone: string): { boundaries: Date[]; labels: string[] } {
  const zone = assertZone(timezone);
  let day = DateTime.fromJSDate(start, { zone }).startOf('day');
  const boundaries: Date[] = [start];
  const labels: string[] = [];

  while (day.toJSDate() < end) {
    labels.push(day.toISODate()!);
    day = day.plus({ days: 1 });
    boundaries.push(day.toJSDate() < end ? day.toJSDate() : end);
  }
  return { boundaries, labels };
}

/** Returns the last `days` whole local days before `now` (today excluded) in `timezone`. */
export function lastDays(days: number, timezone: string, now: Date = new Date()): Period {
  const end = DateTime.fromJSDate(now, { zone: assertZone(timezone) }).startOf('day');
  const start = end.minus({ days });
  return {
    label: `${start.toISODate()!} to ${end.minus({ days: 1 }).toISODate()!}`,
    start: start.toJSDate(),
    end: end.toJSDate(),
  };
}

function assertZone(timezone: string): string {
  if (!DateTime.local().setZone(timezone).isValid) {
    throw new RangeError(`unknown timezone "${timezone}": use an IANA name such as Europe/Berlin or UTC`);
  }
  return timezone;
}
