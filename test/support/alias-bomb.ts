/**
 * A "billion laughs" YAML document: each level is a list of `width` aliases of the level before,
 * so `levels` levels expand to width^levels strings although the text is a few hundred bytes.
 * `head` is written first (e.g. the options that make it look like a rule).
 */
export function aliasBomb(head = '', levels = 10, width = 9, key = 'lol'): string {
  const lines = [`${key}0: &l0 [${Array.from({ length: width }, () => '"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++) lines.push(`${key}${i}: &l${i} [${Array.from({ length: width }, () => `*l${i - 1}`).join(', ')}]`);
  return `${head}${lines.join('\n')}\n`;
}
