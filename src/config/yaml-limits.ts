/**
 * How much a YAML file may hold once its aliases are followed. js-yaml builds `*alias` as a
 * shared reference, so a "billion laughs" file (each level a list of nine aliases of the previous)
 * parses in milliseconds but is billions of values to anything that walks it afterwards: `${VAR}`
 * expansion, imports, schema validation, cloning. Anyone who can put a file into the rules folder
 * could stop all alerting that way; these limits refuse such a file before anything walks it.
 * PyYAML, which ElastAlert2 uses, has no such limit: no real rule comes near these numbers.
 */
export interface YamlLimits {
  /** Size of the file in bytes. */
  maxBytes: number;
  /** Values in the document with every alias followed (scalars, lists and mappings each count one). */
  maxNodes: number;
  /** Nesting of lists and mappings with every alias followed. */
  maxDepth: number;
}

const MIB = 1024 * 1024;

/**
 * Rule files, the files they import, and config.yaml. The largest real rules hold long inline
 * lists (blacklists, `terms` filters): Elasticsearch's own cap on a terms query is 65,536 terms,
 * about a megabyte of IP addresses.
 */
export const RULE_YAML_LIMITS: YamlLimits = { maxBytes: 2 * MIB, maxNodes: 200_000, maxDepth: 100 };

/**
 * Rule test files and their YAML events files: up to MAX_EVENTS_PER_CASE events a case, each a
 * document of some tens of fields, may be written out in full.
 */
export const FIXTURE_YAML_LIMITS: YamlLimits = { maxBytes: 64 * MIB, maxNodes: 5_000_000, maxDepth: 100 };

/**
 * Why `value` breaks `limits`, or undefined when it does not. Stops at the first value over a
 * limit, so the walk costs at most `maxNodes` steps whatever the aliases would expand to.
 */
export function exceededLimit(value: unknown, limits: YamlLimits): 'nodes' | 'depth' | 'cycle' | undefined {
  let nodes = 0;
  const open = new Set<object>();
  const walk = (node: unknown, depth: number): 'nodes' | 'depth' | 'cycle' | undefined => {
    if (++nodes > limits.maxNodes) return 'nodes';
    if (node === null || typeof node !== 'object') return undefined;
    if (open.has(node)) return 'cycle';
    if (depth >= limits.maxDepth) return 'depth';
    open.add(node);
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      const found = walk(child, depth + 1);
      if (found) return found;
    }
    open.delete(node);
    return undefined;
  };
  return walk(value, 0);
}
