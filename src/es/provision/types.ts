/** How a cluster is reached; the same shape whether it was provisioned or given. */
export interface EsConnection {
  url: string;
  username?: string;
  password?: string;
  apiKey?: string;
  caCertPath?: string;
}

export type ProvisionMethod = 'env' | 'docker' | 'local';

/** A running cluster and the means to stop it; `stop` is idempotent and a no-op for clusters we did not start. */
export interface ProvisionedCluster {
  method: ProvisionMethod;
  connection: EsConnection;
  /** Elasticsearch version actually running (read from the node), e.g. "8.19.21". */
  version: string;
  stop(): Promise<void>;
}

export interface ProvisionLog {
  info(message: string): void;
}

export const DEFAULT_ES_VERSION = '8.19.21';
