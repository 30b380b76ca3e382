import { CORE_SCHEMA, EVENT_ID, getScalarValue, load, mergeTag, parseEvents, YAMLException, type Event } from 'js-yaml';

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

type Frame =
  | { kind: 'map'; path: string[]; key: string | undefined }
  | { kind: 'seq'; path: string[]; index: number };

/**
 * Parses one YAML document and remembers where each key sits, so that a schema error about
 * `alert[1].slack_channel` can name its line. js-yaml's event stream carries source offsets.
 */
export function parseYaml(text: string, filename: string): YamlSource {
  let value: unknown;
  let events: Event[];
  try {
    events = parseEvents(text, { filename });
    // An empty file (or one of comments only) is no document: its value is undefined, not an error.
    value = events.some((e) => e.type === EVENT_ID.DOCUMENT) ? load(text, { filename, schema: SCHEMA }) : undefined;
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
