/**
 * A bad option: thrown by whatever checks a rule (rule types, templates, aggregation, alerters) so
 * that lint, the engine and test-rule report the option by name without reading it back out of a
 * sentence. A leaf module: alerters and rules both use it, and neither may import the other.
 */
export class OptionError extends Error {
  override name = 'OptionError';
  readonly field: string;
  readonly detail: string;
  /** `message` defaults to "field: detail"; callers that name the rule put it in front. */
  constructor(field: string, detail: string, message = `${field}: ${detail}`) {
    super(message);
    this.field = field;
    this.detail = detail;
  }
}
