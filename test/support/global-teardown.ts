export default async function globalTeardown(): Promise<void> {
  await globalThis.__LOGWARDEN_CLUSTER__?.stop();
}
