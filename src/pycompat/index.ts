/**
 * Python compatibility: how ElastAlert2 (Python) reads fields and writes values, so rules and
 * alert texts behave and read as they did there. A leaf module: it imports nothing else of ours.
 */
export { isPlainObject } from './object.ts';
export { pyTruthy } from './truthy.ts';
export { pyNumber, pyRepr, pyReprString, pyStr } from './str.ts';
export { lookupField, queryKeyValue, setField } from './lookup.ts';
export { formatEsTimestamp } from './timestamp.ts';
export { FormatError, formatPython, formatPythonParts, joinParts, truncateParts, type FormatPart } from './format.ts';
export { formatWithSpec } from './format-spec.ts';
export { compareCodePoints, pyJsonDumps } from './json.ts';
export { risonEncode } from './rison.ts';
export { pyQuote } from './quote.ts';
