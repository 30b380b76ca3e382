import type { AlerterSchema } from '../kit/contract.ts';
import { bool, nonEmpty, port, seconds, strList, strOrList } from '../kit/schema-types.ts';

/**
 * The email alerter's options (lint and the alerter read this). ElastAlert2's names; its
 * `email_format` is any string (anything but "html" is text), LogWarden takes the two it means.
 */
export const emailSchema: AlerterSchema = {
  name: 'email',
  required: ['email'],
  options: {
    email: strOrList,
    email_from_field: nonEmpty,
    email_add_domain: nonEmpty,
    smtp_host: nonEmpty,
    smtp_port: port,
    smtp_ssl: bool,
    smtp_auth_file: nonEmpty,
    smtp_cert_file: nonEmpty,
    smtp_key_file: nonEmpty,
    email_reply_to: nonEmpty,
    from_addr: nonEmpty,
    cc: strOrList,
    bcc: strOrList,
    email_format: { enum: ['html', 'text'] },
    assets_dir: nonEmpty,
    email_image_keys: strList,
    email_image_values: strList,
    notify_email: strOrList,
    // LogWarden's own: TLS policy, certificate checks and timeout (seconds).
    smtp_starttls: bool,
    smtp_ca_certs: nonEmpty,
    smtp_verify_certs: bool,
    smtp_timeout: seconds,
  },
};
