import type { EsHandle } from '../../src/es/client.ts';

interface Observed {
  body?: unknown;
  meta?: { request?: { params?: { path?: string } } };
}

/** The bodies of the responses `handle` receives while `fn` runs, for requests whose path passes `wanted`. */
export async function responsesDuring(handle: EsHandle, wanted: (path: string) => boolean, fn: () => Promise<unknown>): Promise<unknown[]> {
  const bodies: unknown[] = [];
  const keep = (_err: unknown, result: Observed | null): void => {
    const path = result?.meta?.request?.params?.path;
    if (path !== undefined && wanted(path)) bodies.push(result?.body);
  };
  handle.client.diagnostic.on('response', keep);
  try {
    await fn();
  } finally {
    handle.client.diagnostic.off('response', keep);
  }
  return bodies;
}
