import { randomBytes } from 'node:crypto';
import { sleep, systemClock } from '../schedule/clock.ts';
import { esCall, type EsHandle } from '../es/client.ts';
import { initWriteback } from '../writeback/init.ts';
import { WRITEBACK_KINDS, writebackIndexName } from '../writeback/mappings.ts';

export interface ReplayWriteback {
  /** Base name of the writeback indices the replay uses. */
  index: string;
  /** Created for this replay and deleted by dispose(). */
  throwaway: boolean;
  /** Deletes a throwaway namespace (every kind, by exact name); does nothing for an explicit one. Safe to call twice. */
  dispose(): Promise<void>;
  /**
   * For Ctrl-C: a run may still be writing, and a write that lands after the delete re-creates
   * its index (auto-create), so delete, wait a moment, and delete again.
   */
  disposeInterrupted(): Promise<void>;
}

/**
 * The writeback a replay uses. A replay records alerts, realert silences and rule state like a
 * live run, so it must never share the real writeback: by default it gets its own namespace
 * (`<prefix>-<random>`), created here and deleted afterwards. An explicit index (--writeback)
 * is created if missing and kept, so someone can inspect what the replay recorded.
 */
export async function openReplayWriteback(es: EsHandle, prefix: string, explicit?: string): Promise<ReplayWriteback> {
  const throwaway = explicit === undefined;
  const index = explicit ?? `${prefix}-${randomBytes(4).toString('hex')}`;
  let disposed = false;
  const deleteAll = async (): Promise<void> => {
    // Exact names: clusters commonly refuse wildcard deletes (action.destructive_requires_name).
    const names = WRITEBACK_KINDS.map((kind) => writebackIndexName(index, kind));
    await esCall(es, `deleting the throwaway writeback indices ${index}*`, (c) =>
      c.indices.delete({ index: names, ignore_unavailable: true, allow_no_indices: true }),
    );
  };
  const dispose = async (): Promise<void> => {
    if (!throwaway || disposed) return;
    disposed = true;
    await deleteAll();
  };
  const disposeInterrupted = async (): Promise<void> => {
    if (!throwaway) return;
    disposed = true;
    await deleteAll();
    await sleep(systemClock, 500);
    await deleteAll();
  };
  try {
    await initWriteback(es, index, { templates: false });
    if (throwaway) {
      // Nothing here must survive a crash, and a replay writes a lot (every alert is recorded,
      // claimed, marked): skipping the fsync per request makes noisy rules replay much faster.
      const names = WRITEBACK_KINDS.map((kind) => writebackIndexName(index, kind));
      await esCall(es, `tuning the throwaway writeback indices ${index}*`, (c) =>
        c.indices.putSettings({ index: names, settings: { 'index.translog.durability': 'async' } }),
      );
    }
  } catch (error) {
    // Some kinds may have been created before the failure.
    await dispose().catch(() => undefined);
    throw error;
  }
  return { index, throwaway, dispose, disposeInterrupted };
}
