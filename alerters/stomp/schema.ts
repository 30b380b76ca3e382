import type { AlerterSchema } from '../kit/contract.ts';
import { bool, certs, secret, seconds, str } from '../kit/schema-types.ts';

/** The stomp alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const stompSchema: AlerterSchema = {
  name: 'stomp',
  required: ['stomp_hostname', 'stomp_hostport', 'stomp_login', 'stomp_password'],
  options: {
    stomp_hostname: str,
    // ElastAlert2 documents a string ("61613"); a number is accepted too.
    stomp_hostport: { type: ['string', 'integer'] },
    stomp_login: str,
    stomp_password: secret,
    stomp_destination: str,
    stomp_ssl: bool,
    // Ours: the CA to verify the broker with stomp_ssl (true: the system's), and the exchange's time limit.
    stomp_ca_certs: certs,
    stomp_timeout: seconds,
  },
};
