import type { Schema } from '../../src/config/validate.ts';
import type { AlerterSchema } from '../kit/contract.ts';
import { bool, certs, mapping, seconds, secret, secretOrList, str } from '../kit/schema-types.ts';

const fieldMap: Schema = { type: 'object', additionalProperties: str };

/** The post alerter's options (lint and the alerter read this). */
export const postSchema: AlerterSchema = {
  name: 'post',
  required: ['http_post_url'],
  options: {
    http_post_url: secretOrList,
    http_post_proxy: str,
    http_post_ca_certs: certs,
    http_post_ignore_ssl_errors: bool,
    http_post_timeout: seconds,
    // Output key -> the document field whose value it takes.
    http_post_payload: fieldMap,
    http_post_static_payload: mapping,
    http_post_all_values: bool,
    // Headers usually carry an API key.
    http_post_headers: { type: 'object', 'x-secret': true },
  },
};

/** The post2 alerter's options. */
export const post2Schema: AlerterSchema = {
  name: 'post2',
  required: ['http_post2_url'],
  options: {
    http_post2_url: secretOrList,
    http_post2_proxy: str,
    http_post2_ca_certs: certs,
    http_post2_ignore_ssl_errors: bool,
    http_post2_timeout: seconds,
    // A mapping, or (ElastAlert2 2.10+) a JSON object written as a string.
    http_post2_payload: { type: ['object', 'string'] },
    http_post2_raw_fields: fieldMap,
    http_post2_all_values: bool,
    http_post2_headers: { type: ['object', 'string'], 'x-secret': true },
  },
};
