// LogWarden's own lint rules, loaded by oxlint as a JS plugin (.oxlintrc.json "jsPlugins").
// Plain JavaScript because oxlint loads plugins with Node before any TypeScript is involved.

/** The formatter wraps code at 140 columns; this catches what it leaves long (comments, mostly). */
const MAX_LINE = 160;
const URL = /\bhttps?:\/\/\S+/;

/** `new Date()` with no argument reads the wall clock; time comes from the Clock (src/schedule/clock.ts). */
const noWallClockDate = {
  meta: { type: 'problem', docs: { description: 'new Date() without an argument reads the wall clock' } },
  create(context) {
    return {
      NewExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'Date' && node.arguments.length === 0) {
          context.report({ node, message: 'new Date() reads the wall clock: take the time from the Clock (src/schedule/clock.ts)' });
        }
      },
    };
  },
};

/**
 * A line over MAX_LINE characters is refused, unless a string, a template literal or a URL is on
 * it: the formatter wraps code but not text, and splitting a message into pieces only makes it
 * harder to find (the same exceptions as ESLint's max-len ignoreStrings/ignoreTemplateLiterals/ignoreUrls).
 */
const maxLineLength = {
  meta: { type: 'layout', docs: { description: `lines of at most ${MAX_LINE} characters` } },
  create(context) {
    const textLines = new Set();
    const markText = (node) => {
      for (let line = node.loc.start.line; line <= node.loc.end.line; line++) textLines.add(line);
    };
    return {
      Literal(node) {
        if (typeof node.value === 'string') markText(node);
      },
      TemplateLiteral: markText,
      'Program:exit'(node) {
        const lines = context.sourceCode.lines;
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i];
          if (line.length <= MAX_LINE || textLines.has(i + 1) || URL.test(line)) continue;
          context.report({
            node,
            loc: { start: { line: i + 1, column: MAX_LINE }, end: { line: i + 1, column: line.length } },
            message: `line of ${line.length} characters, over ${MAX_LINE}: wrap it`,
          });
        }
      },
    };
  },
};

export default {
  meta: { name: 'logwarden' },
  rules: { 'no-wall-clock-date': noWallClockDate, 'max-line-length': maxLineLength },
};
