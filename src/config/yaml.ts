import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import {
  constructFromEvents,
  CORE_SCHEMA,
  EVENT_ID,
  getScalarValue,
  load,
  mergeTag,
  parseEvents,
  YAMLException,
  type Event,
} from 'js-yaml';
import { exceededLimit, RULE_YAML_LIMITS, type YamlLimits } from './yaml-limits.ts';

// ElastAlert2 reads rules with PyYAML, which merges `<<: *defaults`; js-yaml's core schema does not.
const SCHEMA = CORE_SCHEMA.withTags(mergeTag);

export type YamlPath = readonly (string | number)[];

export interface YamlSource {
  value: unknown;
  /** 1-based line of the key (or sequence item) at `path`, else of its nearest ancestor that has one. */
  lineOf(path: YamlPath): number | undefined;
}

export class YamlSyntaxError extends Error {
  override name = 'YamlSyntaxError';
  readonly line: number | undefined;
  constructor(message: string, line: number | undefined) {
    super(message);
    this.line = line;
  }
}

/** A file refused for its size or for what its aliases expand to (see yaml-limits.ts). */
export class YamlLimitError extends YamlSyntaxError {
  override name = 'YamlLimitError';
}

/** The problem message for a file that could not be parsed. */
export function describeYamlError(error: YamlSyntaxError): string {
  return error instanceof YamlLimitError ? `refused: ${error.message}` : `invalid YAML: ${error.message}`;
}

/** The problem message for anything readYamlFile throws: a refusal, bad YAML, or a file system error. */
export function describeReadError(error: unknown): { message: string; line: number | undefined } {
  if (error instanceof YamlSyntaxError) return { message: describeYamlError(error), line: error.line };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return {
    message:
      code !== undefined
        ? `cannot read the file (${code})`
        : `cannot read the file (${error instanceof Error ? error.message : String(error)})`,
    line: undefined,
  };
}

const MIB = 1024 * 1024;
const size = (bytes: number): string => (bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`);

/**
 * Reads and parses a YAML file, refusing one over `limits.maxBytes` before reading it, so that a
 * huge file never reaches memory. File system errors are thrown as they are.
 */
export function readYamlFile(abs: string, display: string, limits: YamlLimits = RULE_YAML_LIMITS): YamlSource {
  return parseYaml(readTextFile(abs, limits.maxBytes), display, limits);
}

/** A text file's content, or a YamlLimitError when it is over `maxBytes` (checked before reading). */
export function readTextFile(abs: string, maxBytes: number): string {
  // Opening a named pipe waits for a writer, and /dev/zero never ends: only regular files are read.
  if (!statSync(abs).isFile()) throw new YamlLimitError('not a regular file (a pipe, socket or device is never read)', undefined);
  const fd = openSync(abs, 'r');
  try {
    const bytes = fstatSync(fd).size;
    if (bytes > maxBytes) throw tooLarge(bytes, maxBytes);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

const tooLarge = (bytes: number, maxBytes: number): YamlLimitError =>
  new YamlLimitError(`the file is ${size(bytes)}; at most ${size(maxBytes)} is read`, undefined);

type Frame = { kind: 'map'; path: string[]; key: string | undefined } | { kind: 'seq'; path: string[]; index: number };

/**
 * Parses one YAML document and remembers where each key sits, so that a schema error about
 * `alert[1].slack_channel` can name its line. js-yaml's event stream carries source offsets.
 */
export function parseYaml(text: string, filename: string, limits: YamlLimits = RULE_YAML_LIMITS): YamlSource {
  // A file read elsewhere (a string already in memory) gets the same size limit, counted in bytes.
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) throw tooLarge(bytes, limits.maxBytes);
  let value: unknown;
  let events: Event[];
  try {
    events = parseEvents(text, { filename, maxDepth: limits.maxDepth });
    // Keys and values are both events: twice the limit is surely too many, refused before building anything.
    if (events.length > 2 * limits.maxNodes + 10) throw tooMany(limits, events);
    // Built from the events already parsed, not by parsing the text a second time.
    const documents = constructFromEvents(events, { source: text, filename, schema: SCHEMA });
    // js-yaml's load() says what is wrong with a stream of several documents.
    if (documents.length > 1) load(text, { filename, schema: SCHEMA, maxDepth: limits.maxDepth });
    // An empty file (or one of comments only) is no document: its value is undefined, not an error.
    value = documents[0];
  } catch (error) {
    if (error instanceof YAMLException) {
      const line = error.mark ? error.mark.line + 1 : undefined;
      throw new YamlSyntaxError(error.reason || error.message, line);
    }
    throw error;
  }
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  checkExpansion(value, events, limits, lineAt);

  const lines = new Map<string, number>();
  const stack: Frame[] = [];
  // Each node either is a mapping key, or a value whose path its parent frame determines.
  const place = (offset: number): { isKey: boolean; path: string[] } | undefined => {
    const top = stack[stack.length - 1];
    if (!top) return { isKey: false, path: [] };
    if (top.kind === 'seq') {
      const path = [...top.path, String(top.index++)];
      if (offset >= 0) lines.set(path.join('\u0000'), lineAt(offset));
      return { isKey: false, path };
    }
    if (top.key === undefined) return { isKey: true, path: top.path };
    const path = [...top.path, top.key];
    top.key = undefined;
    return { isKey: false, path };
  };

  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const at = place(event.start);
        const path = at?.path ?? [];
        stack.push(event.type === EVENT_ID.MAPPING ? { kind: 'map', path, key: undefined } : { kind: 'seq', path, index: 0 });
        break;
      }
      case EVENT_ID.SCALAR: {
        const top = stack[stack.length - 1];
        if (top?.kind === 'map' && top.key === undefined) {
          const key = getScalarValue(text, event);
          top.key = key;
          lines.set([...top.path, key].join('\u0000'), lineAt(event.valueStart));
        } else {
          place(event.valueStart);
        }
        break;
      }
      case EVENT_ID.ALIAS: {
        const top = stack[stack.length - 1];
        if (top?.kind === 'map' && top.key === undefined) top.key = '<<alias>>';
        else place(event.anchorStart);
        break;
      }
      case EVENT_ID.POP:
        stack.pop();
        break;
      default:
        break;
    }
  }

  return {
    value,
    lineOf(path: YamlPath): number | undefined {
      for (let n = path.length; n > 0; n--) {
        const line = lines.get(path.slice(0, n).map(String).join('\u0000'));
        if (line !== undefined) return line;
      }
      return undefined;
    },
  };
}

/** Refuses a document whose aliases expand past `limits`; the line named is the first alias's. */
function checkExpansion(value: unknown, events: readonly Event[], limits: YamlLimits, lineAt: (offset: number) => number): void {
  const found = exceededLimit(value, limits);
  if (!found) return;
  const alias = events.find((e) => e.type === EVENT_ID.ALIAS);
  const line = alias?.type === EVENT_ID.ALIAS ? lineAt(alias.anchorStart) : undefined;
  if (found === 'nodes') throw tooMany(limits, events, line);
  const message =
    found === 'depth'
      ? `the document nests lists and mappings more than ${limits.maxDepth} levels deep${alias ? ' once its aliases (*name) are followed' : ''}`
      : 'an alias (*name) refers to a list or mapping that contains it, so the document never ends';
  throw new YamlLimitError(message, line);
}

function tooMany(limits: YamlLimits, events: readonly Event[], line?: number): YamlLimitError {
  const most = `more than ${limits.maxNodes.toLocaleString('en')} values`;
  const message = events.some((e) => e.type === EVENT_ID.ALIAS)
    ? `the document holds ${most} once its aliases (*name) are followed; aliases of lists of aliases multiply (a "billion laughs" file)`
    : `the document holds ${most}; at most ${limits.maxNodes.toLocaleString('en')} are read`;
  return new YamlLimitError(message, line);
}
