/** Python's strftime, in UTC, for index names, custom timestamps and alert times. */
const DAY = 24 * 60 * 60_000;

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** ISO 8601 week number and week-year of a UTC date (Python's %V and %G). */
function isoWeek(d: Date): { week: number; year: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return { week: Math.ceil(((t.getTime() - yearStart) / DAY + 1) / 7), year: t.getUTCFullYear() };
}

/** Python's strftime in UTC with the C locale, for index names. An unknown token is refused. */
export function strftime(pattern: string, d: Date): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const dayOfYear =
    Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1;
  // Python's %U (weeks start Sunday) and %W (Monday): days before the first such day are week 0.
  const weekOf = (firstDay: number): number => Math.floor((dayOfYear + 6 - ((d.getUTCDay() - firstDay + 7) % 7)) / 7);
  const hour12 = d.getUTCHours() % 12 || 12;
  return pattern.replace(/%([a-zA-Z%])/g, (whole, c: string) => {
    switch (c) {
      case 'Y':
        return String(d.getUTCFullYear());
      case 'y':
        return pad(d.getUTCFullYear() % 100);
      case 'C':
        return pad(Math.floor(d.getUTCFullYear() / 100));
      case 'G':
        return String(isoWeek(d).year);
      case 'm':
        return pad(d.getUTCMonth() + 1);
      case 'b':
      case 'h':
        return (MONTHS[d.getUTCMonth()] ?? '').slice(0, 3);
      case 'B':
        return MONTHS[d.getUTCMonth()] ?? '';
      case 'd':
        return pad(d.getUTCDate());
      case 'e':
        return String(d.getUTCDate()).padStart(2, ' ');
      case 'j':
        return pad(dayOfYear, 3);
      case 'a':
        return (DAYS[d.getUTCDay()] ?? '').slice(0, 3);
      case 'A':
        return DAYS[d.getUTCDay()] ?? '';
      case 'w':
        return String(d.getUTCDay());
      case 'u':
        return String(d.getUTCDay() || 7);
      case 'U':
        return pad(weekOf(0));
      case 'W':
        return pad(weekOf(1));
      case 'V':
        return pad(isoWeek(d).week);
      case 'H':
        return pad(d.getUTCHours());
      case 'I':
        return pad(hour12);
      case 'p':
        return d.getUTCHours() < 12 ? 'AM' : 'PM';
      case 'M':
        return pad(d.getUTCMinutes());
      case 'S':
        return pad(d.getUTCSeconds());
      case 'D':
        return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCFullYear() % 100)}`;
      case 'F':
        return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      case 'R':
        return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
      case 'T':
        return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
      case 'z':
        return '+0000';
      case 'Z':
        return 'UTC';
      case '%':
        return '%';
      default:
        return whole;
    }
  });
}
