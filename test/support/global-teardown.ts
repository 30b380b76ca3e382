import { finishTestRun } from './test-run.ts';

export default async function globalTeardown(): Promise<void> {
  try {
    await globalThis.__LOGWARDEN_CLUSTER__?.stop();
  } finally {
    finishTestRun();
  }
}
