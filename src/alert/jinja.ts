/**
 * `alert_text_type: alert_text_jinja`: alert_text (or the file named by jinja_template_path) and
 * alert_subject rendered as Jinja templates, as ElastAlert2 does, through Nunjucks, the closest
 * JavaScript engine to Jinja.
 *
 * Only the rule's own text is ever compiled; values from documents are data and are never
 * parsed as templates ("{{ 7*7 }}" in a log line stays "{{ 7*7 }}"). Three deliberate
 * differences from ElastAlert2, all because log content is attacker-controlled:
 *
 * 1. Context. ElastAlert2 renders with `rule | match` merged (a document field overrides a rule
 *    key of the same name) plus `<jinja_root_name>` (default `_data`) holding that merge. Here:
 *    - `rule` holds the rule's settings (its options and name, type, index, timestamp_field),
 *      without secrets (passwords, tokens, webhook URLs, keys);
 *    - `<jinja_root_name>` (`_data`) holds the match fields only;
 *    - at top level, match fields AND rule settings are visible as in ElastAlert2, but a name
 *      the rule defines always means the rule's value: `{{ name }}` is the rule name even when
 *      a document has a `name` field (that one is `{{ _data.name }}`). So a document can never
 *      stand in for a rule setting, recipient, URL or template text.
 * 2. Escaping. Every value a `{{ }}` outputs goes through the target's escape function (Slack
 *    mrkdwn, HTML, mail header...), the template's own text never does. Jinja's `|safe` cannot
 *    turn this off (it is accepted and does nothing), and `|e` HTML-escapes as in Jinja, after
 *    which the target's escape still applies.
 * 3. Sandbox. Templates see plain data only: attributes are a value's own keys (plus Jinja's
 *    common str/dict methods: upper, split, get, items...), never JavaScript prototypes, so
 *    `"".constructor.constructor("return process")()` finds nothing; functions have no
 *    attributes; only macros, those methods and `range` can be called; include, extends,
 *    import and extensions are refused when the template is compiled.
 *
 * Jinja's defaults are kept where they matter to output: an undefined name renders as empty
 * text (so does an attribute of an undefined name, where Jinja would raise), None/True/lists
 * print as Python prints them, one trailing newline of the template is dropped and line ends
 * are normalised to "\n".
 *
 * Templates are compiled once per rule object (a reload makes new rule objects, so new
 * templates) and cached.
 *
 * This file is the interface; src/alert/jinja/ holds the implementation, and only
 * src/alert/jinja/nunjucks.ts knows Nunjucks.
 */
export { compileJinja } from './jinja/compile.ts';
export { compileRuleJinja, jinjaContext, jinjaRuleView, renderRuleJinja, ruleJinjaTemplate } from './jinja/rule.ts';
export { JinjaError, type JinjaRuleOptions, type JinjaTemplate, type JinjaTemplateOf } from './jinja/types.ts';
