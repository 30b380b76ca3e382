import type { AlerterSchema } from '../kit/contract.ts';
import { bool, port, str } from '../kit/schema-types.ts';

/** The zabbix alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const zabbixSchema: AlerterSchema = {
  name: 'zabbix',
  required: ['zbx_host', 'zbx_key'],
  options: {
    zbx_sender_host: str,
    zbx_sender_port: port,
    // With zbx_host_from_field, zbx_host names the document field that holds the Zabbix host.
    zbx_host_from_field: bool,
    zbx_host: str,
    zbx_key: str,
  },
};
