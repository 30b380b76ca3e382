/**
 * Python's format-spec mini-language ([[fill]align][sign][z][#][0][width][,|_][.precision][type])
 * for the values alert text can hold: strings and numbers. JSON does not say whether 3 was
 * 3 or 3.0, so whole numbers are treated as Python ints.
 */
import { pyStr } from './str.ts';

/** A template or spec Python's str.format would reject; the message is Python's where it has one. */
export class FormatError extends Error {
  override name = 'FormatError';
}

interface Spec {
  /** undefined: not given; the '0' flag then pads with zeros. */
  fill: string | undefined;
  align: string | undefined;
  sign: string;
  alternate: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  precision: number | undefined;
  type: string;
}

const ALIGNS = '<>=^';

function parseSpec(spec: string): Spec {
  const chars = Array.from(spec);
  let i = 0;
  let fill: string | undefined;
  let align: string | undefined;
  if (chars.length >= 2 && ALIGNS.includes(chars[1] ?? '')) {
    fill = chars[0] ?? ' ';
    align = chars[1];
    i = 2;
  } else if (ALIGNS.includes(chars[0] ?? '-') && chars.length > 0) {
    align = chars[0];
    i = 1;
  }
  const take = (allowed: string): string => {
    const c = chars[i];
    if (c !== undefined && allowed.includes(c)) {
      i++;
      return c;
    }
    return '';
  };
  const digits = (): string => {
    let d = '';
    while (/\d/.test(chars[i] ?? '')) d += chars[i++];
    return d;
  };
  const sign = take('+- ');
  take('z');
  const alternate = take('#') === '#';
  const zero = take('0') === '0';
  const width = Number(digits() || '0');
  const grouping = take(',_');
  let precision: number | undefined;
  if (chars[i] === '.') {
    i++;
    const p = digits();
    if (p === '') throw new FormatError('Format specifier missing precision');
    precision = Number(p);
  }
  const type = take('bcdeEfFgGnosxX%');
  if (i !== chars.length) throw new FormatError(`Invalid format specifier '${spec}'`);
  return { fill, align, sign, alternate, zero, width, grouping, precision, type };
}

export function formatWithSpec(value: string | number, specText: string): string {
  const spec = parseSpec(specText);
  return typeof value === 'string' ? formatString(value, spec) : formatNumber(value, spec);
}

function formatString(value: string, spec: Spec): string {
  if (spec.type !== '' && spec.type !== 's') throw new FormatError(`Unknown format code '${spec.type}' for object of type 'str'`);
  if (spec.sign !== '') throw new FormatError('Sign not allowed in string format specifier');
  if (spec.alternate) throw new FormatError('Alternate form (#) not allowed in string format specifier');
  if (spec.grouping !== '') throw new FormatError(`Cannot specify '${spec.grouping}' with 's'.`);
  if (spec.align === '=') throw new FormatError("'=' alignment not allowed in string format specifier");
  const text = spec.precision === undefined ? value : Array.from(value).slice(0, spec.precision).join('');
  return pad('', text, spec, '<');
}

function formatNumber(value: number, spec: Spec): string {
  const isInt = Number.isInteger(value);
  let type = spec.type;
  if (type === 's') throw new FormatError(`Unknown format code 's' for object of type '${isInt ? 'int' : 'float'}'`);
  if (!isInt && type !== '' && 'bcdoxX'.includes(type)) {
    throw new FormatError(`Unknown format code '${type}' for object of type 'float'`);
  }
  if (isInt && spec.precision !== undefined && (type === '' || 'bcdoxXn'.includes(type))) {
    throw new FormatError('Precision not allowed in integer format specifier');
  }
  if (spec.grouping !== '' && (type === 'n' || type === 'c' || (spec.grouping === ',' && type !== '' && 'boxX'.includes(type)))) {
    throw new FormatError(`Cannot specify '${spec.grouping}' with '${type}'.`);
  }
  if (type === 'c') return pad('', String.fromCodePoint(value), spec, '>');
  const negative = value < 0;
  const abs = Math.abs(value);
  let prefix = '';
  let body: string;
  let groupSize = 3;
  let digits = /^\d+/;
  if (type === 'n') type = isInt ? 'd' : 'g';
  if (isInt && (type === '' || type === 'd')) body = pyStr(abs);
  else if (type === 'b' || type === 'o' || type === 'x' || type === 'X') {
    body = abs.toString(type === 'b' ? 2 : type === 'o' ? 8 : 16);
    if (type === 'X') body = body.toUpperCase();
    if (spec.alternate) prefix = '0' + type;
    groupSize = 4;
    digits = /^[0-9a-fA-F]+/;
  } else {
    body = floatBody(abs, type, spec);
    // '#' keeps the decimal point even with no digits after it ("2.", "1.e+02", "314.%").
    if (spec.alternate && Number.isFinite(abs) && !body.includes('.')) body = body.replace(/(?=[eE%]|$)/, '.');
  }
  const sign = negative ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  if (spec.grouping !== '') {
    const whole = digits.exec(body)?.[0] ?? '';
    const rest = body.slice(whole.length);
    let zeros = '';
    // Zero padding ('0' flag or "0=") is grouped too: "0,001,234" (Python may then exceed the width by one).
    const zeroPadded = (spec.fill ?? (spec.zero ? '0' : ' ')) === '0' && (spec.align ?? (spec.zero ? '=' : '>')) === '=';
    const width = (z: string): number => (sign + prefix).length + group(z + whole, spec.grouping, groupSize).length + rest.length;
    while (zeroPadded && width(zeros) < spec.width) zeros += '0';
    body = group(zeros + whole, spec.grouping, groupSize) + rest;
  }
  return pad(sign + prefix, body, spec, '>');
}

function floatBody(abs: number, type: string, spec: Spec): string {
  if (!Number.isFinite(abs)) {
    const text = Number.isNaN(abs) ? 'nan' : 'inf';
    return type === type.toUpperCase() && type !== '' && type !== '%' ? text.toUpperCase() : text;
  }
  const p = spec.precision;
  switch (type) {
    case 'f':
    case 'F':
      return rounded(abs, p ?? 6, 'toFixed');
    case '%':
      return rounded(abs * 100, p ?? 6, 'toFixed') + '%';
    case 'e':
    case 'E':
      return exponential(abs, p ?? 6, type === 'E');
    case 'g':
    case 'G':
      return general(abs, p ?? 6, spec.alternate, type === 'G', false);
    default:
      // No type: repr() without a precision; with one, 'g' that keeps a ".0" and goes exponential one digit sooner.
      return p === undefined ? pyStr(abs) : general(abs, p, spec.alternate, false, true);
  }
}

function exponential(abs: number, digits: number, upper: boolean): string {
  const [mantissa = '', exp = '0'] = rounded(abs, digits, 'toExponential').split('e');
  const text = `${mantissa}e${exp.startsWith('-') ? '-' : '+'}${exp.replace(/^[+-]/, '').padStart(2, '0')}`;
  return upper ? text.toUpperCase() : text;
}

/** Python's 'g': fixed point when -4 <= exponent < precision, else exponential; trailing zeros removed unless '#'. */
function general(abs: number, precision: number, alternate: boolean, upper: boolean, addDotZero: boolean): string {
  const p = precision === 0 ? 1 : precision;
  const exp = Number(rounded(abs, p - 1, 'toExponential').split('e')[1] ?? 0);
  const fixed = exp >= -4 && exp < (addDotZero ? p - 1 : p);
  let text = fixed ? rounded(abs, Math.max(0, p - 1 - exp), 'toFixed') : exponential(abs, p - 1, upper);
  if (!alternate) text = text.replace(/(\.\d*?)0+(?=$|[eE])/, '$1').replace(/\.(?=$|[eE])/, '');
  if (addDotZero && fixed && !text.includes('.')) text += '.0';
  return text;
}

/**
 * toFixed / toExponential, but an exact tie rounds to even as Python does ('{:.0f}' of 2.5 is
 * "2"; JavaScript says "3"). A tie shows as "50…0" in the longer exact expansion.
 */
function rounded(x: number, digits: number, method: 'toFixed' | 'toExponential'): string {
  const halfUp = x[method](digits);
  const longer = Math.min(100, digits + 30);
  if (longer === digits || !Number.isFinite(x) || x >= 1e21) return halfUp;
  const [mantissa = '', exponent] = x[method](longer).split('e');
  const dot = mantissa.indexOf('.');
  const keep = digits === 0 ? dot : dot + 1 + digits;
  if (dot === -1 || !/^50*$/.test(mantissa.slice(keep).replace('.', ''))) return halfUp;
  const lastDigit = Number(mantissa[digits === 0 ? dot - 1 : keep - 1]);
  if (lastDigit % 2 === 1) return halfUp;
  return mantissa.slice(0, keep) + (exponent === undefined ? '' : 'e' + exponent);
}

/** Separators every `size` digits from the right of a run of digits. */
function group(digits: string, separator: string, size: number): string {
  let grouped = '';
  for (let i = digits.length; i > 0; i -= size) grouped = digits.slice(Math.max(0, i - size), i) + (grouped ? separator + grouped : '');
  return grouped;
}

function pad(signAndPrefix: string, body: string, spec: Spec, defaultAlign: string): string {
  const length = Array.from(signAndPrefix + body).length;
  const missing = Math.max(0, spec.width - length);
  const fill = (n: number): string => (spec.fill ?? (spec.zero ? '0' : ' ')).repeat(n);
  // The '0' flag without an alignment pads numbers after the sign, like '='.
  const numeric = defaultAlign === '>';
  switch (spec.align ?? (spec.zero && numeric ? '=' : defaultAlign)) {
    case '<':
      return signAndPrefix + body + fill(missing);
    case '^':
      return fill(Math.floor(missing / 2)) + signAndPrefix + body + fill(missing - Math.floor(missing / 2));
    case '=':
      return signAndPrefix + fill(missing) + body;
    default:
      return fill(missing) + signAndPrefix + body;
  }
}
