/** What the Jinja support offers its users: a compiled template and its errors. */
/** A template the rule's text compiled to; `render` may be called any number of times. */
export interface JinjaTemplate {
  /** `escape` is applied to every value the template outputs; without it values are plain text. */
  render(context: Readonly<Record<string, unknown>>, escape?: (value: string) => string): string;
}

/** A template that cannot be compiled or rendered; the message names rule and file when known. */
export class JinjaError extends Error {
  override name = 'JinjaError';
  /** What is wrong, without the names in front of it; `field` the rule option it is about, when known. */
  readonly detail: string;
  readonly field: string | undefined;
  constructor(message: string, detail = message, field?: string) {
    super(message);
    this.detail = detail;
    this.field = field;
  }
}

export type JinjaTemplateOf = 'alert_text' | 'alert_subject';

export interface JinjaRuleOptions {
  /**
   * Folder a relative jinja_template_path is read from. The rule loader passes the rule file's
   * folder; without it the working directory is used, as ElastAlert2 does (FileSystemLoader("")).
   */
  baseDir?: string;
}
