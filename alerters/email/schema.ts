import type { AlerterSchema } from '../kit/contract.ts';
import { bool, port, seconds, str, strList, strOrList } from '../kit/schema-types.ts';

/** The email alerter's options (lint and the alerter read this). */
export const emailSchema: AlerterSchema = {
  name: 'email',
required: ['email'],
  options: {
    email: strOrList,
    email_from_field: str,
    email_add_domain: str,
    smtp_host: str,
    smtp_port: port,
    smtp_ssl: bool,
    smtp_auth_file: str,
    smtp_cert_file: str,
    smtp_key_file: str,
    email_reply_to: str,
    from_addr: str,
    cc: strOrList,
    bcc: strOrList,
    email_format: str,
    assets_dir: str,
    email_image_keys: strList,
    email_image_values: strList,
    notify_email: strOrList,
    // LogWarden's own: TLS policy, certificate checks and timeout (seconds).
    smtp_starttls: bool,
    smtp_ca_certs: str,
    smtp_verify_certs: bool,
    smtp_timeout: { type: 'number', exclusiveMinimum: 0 },
  },
};
